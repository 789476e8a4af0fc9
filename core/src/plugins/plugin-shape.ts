// What a loaded value must have to be a plugin definition, and what it lacks when it falls short: a module's export
// that tries to be a plugin and misses a part is an error saying which part, not a plugin silently left out.
import type { PluginDefinition } from './plugin-definition.js';
import { PLUGIN_KINDS, isPluginKind } from './plugin-kind.js';

/** An object that means to be a plugin: it has one of the parts only a plugin has. */
export function looksLikePluginDefinition(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return ['kind', 'paramsSchema', 'create', 'implementation'].some((key) => key in value);
}

/** What keeps `value` from being a plugin definition, in declaration order; empty when it is one. */
export function pluginDefinitionProblems(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof value.kind !== 'string') problems.push('kind (one of ' + PLUGIN_KINDS.join(', ') + ')');
  else if (!isPluginKind(value.kind)) problems.push(`a valid kind ("${value.kind}" is not one of ${PLUGIN_KINDS.join(', ')})`);
  if (typeof value.name !== 'string' || value.name === '') problems.push('name');
  if (typeof value.description !== 'string') problems.push('description');
  if (typeof value.paramsSchema !== 'object' || value.paramsSchema === null || Array.isArray(value.paramsSchema)) problems.push('paramsSchema (a JSON Schema object)');
  if (typeof value.create !== 'function' && typeof value.implementation !== 'function') problems.push('create (a function) or implementation (a class)');
  return problems;
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return looksLikePluginDefinition(value) && pluginDefinitionProblems(value).length === 0;
}

/** `loss "cosine-hint"`, or what can be said of a definition without a valid kind or name. */
export function describeDefinition(value: Record<string, unknown>): string {
  const kind = typeof value.kind === 'string' && isPluginKind(value.kind) ? value.kind : 'plugin';
  return typeof value.name === 'string' && value.name !== '' ? `${kind} "${value.name}"` : `a ${kind} without a name`;
}
