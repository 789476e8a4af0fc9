// The plugins a trial needs, as the coordinator has them (kind, name, source, version), and the check a worker makes
// against its own installation before it runs the trial: a worker never runs code it was sent, so a trial naming a
// plugin the worker lacks, or has in another version, is refused with a message that says which.
import type { PluginRegistries } from '../../plugins/plugin-registry.js';
import { PLUGIN_KINDS, type PluginKind } from '../../plugins/plugin-kind.js';

export interface PluginRequirement {
  readonly kind: PluginKind;
  readonly name: string;
  readonly source?: string;
  readonly version?: string;
}

/** Every plugin of the coordinator's registries named by a `type` anywhere in the trial's manifest. */
export function pluginRequirements(manifest: unknown, registries: PluginRegistries): PluginRequirement[] {
  const types = new Set<string>();
  collectTypes(manifest, types);
  const required: PluginRequirement[] = [];
  for (const kind of PLUGIN_KINDS) {
    for (const name of types) {
      if (!registries[kind].has(name)) continue;
      const { source, version } = registries[kind].get(name);
      required.push({ kind, name, ...(source ? { source } : {}), ...(version ? { version } : {}) });
    }
  }
  return required;
}

/** One line per requirement the worker's plugins do not meet. */
export function unmetRequirements(required: readonly PluginRequirement[], registries: PluginRegistries): string[] {
  const unmet: string[] = [];
  for (const need of required) {
    const label = `${need.kind} plugin "${need.name}"${need.source ? ` (from ${need.source}${need.version ? `@${need.version}` : ''})` : ''}`;
    if (!registries[need.kind].has(need.name)) unmet.push(`lacks the ${label}`);
    else {
      const have = registries[need.kind].get(need.name).version;
      if (need.version && have !== need.version) unmet.push(`has the ${label} in version ${have ?? 'unknown'}, not ${need.version}`);
    }
  }
  return unmet;
}

function collectTypes(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((item) => collectTypes(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'type' && typeof item === 'string') into.add(item);
      else collectTypes(item, into);
    }
  }
}
