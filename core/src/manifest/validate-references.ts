// Second validation pass: every plugin reference names a registered plugin, and its params satisfy that plugin's schema.
import type { PluginRegistries, PluginRegistry } from '../plugins/plugin-registry.js';
import { suggestion } from '../plugins/did-you-mean.js';
import { isPlainObject } from './describe-value.js';
import { paramsValidator } from './params-validator.js';
import { pluginReferences, siteKind, type PluginReferenceSite } from './plugin-references.js';
import { schemaIssues, type PointerIssue } from './schema-issues.js';

/** Issues in the plugin references of `manifest`; fills `params` (and the plugins' param defaults) in place. */
export function referenceIssues(manifest: unknown, registries: PluginRegistries): PointerIssue[] {
  return pluginReferences(manifest).flatMap((site) => siteIssues(site, registries));
}

function siteIssues(site: PluginReferenceSite, registries: PluginRegistries): PointerIssue[] {
  const { type } = site.section;
  if (typeof type !== 'string') return []; // missing or mistyped: the structure pass reports it
  const registry: PluginRegistry = registries[siteKind(site, registries)];
  if (!registry.has(type)) {
    const message = site.teacher && registries.teacher.names().length > 0
      ? unknownPluginMessage('model or teacher source', type, [...registries.model.names(), ...registries.teacher.names()])
      : unknownPluginMessage(site.kind, type, registry.names());
    return [{ pointer: `${site.pointer}/type`, message }];
  }
  if (site.section.params === undefined) site.section.params = {};
  if (!isPlainObject(site.section.params)) return [];
  const validate = paramsValidator(registry.get(type));
  return validate(site.section.params) ? [] : schemaIssues(validate.errors ?? [], `${site.pointer}/params`);
}

export function unknownPluginMessage(kind: string, name: string, known: readonly string[]): string {
  return known.length > 0 ? `unknown ${kind} "${name}"; ${suggestion(name, known)}` : `unknown ${kind} "${name}"; no ${kind} plugins are registered`;
}
