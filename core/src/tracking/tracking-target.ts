// Where a run is recorded, decided once: the manifest's `tracking`, `--tracking-uri`, and the environment (an
// addressable tracker's variable, e.g. MLFLOW_TRACKING_URI) become one typed value, which the run records as what it
// used (manifest.resolved.json, a tag) and hands to the tracker it builds. The same rules serve `distill run`, sweeps
// and their trials, and `distill sync`.
import { UserError } from '../errors.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { Environment } from '../plugins/run-services.js';
import { validatedParams } from '../manifest/params-validator.js';
import { stripUserinfo } from '../secrets/redact.js';

export interface TrackingTarget {
  /** The tracker plugin that records the run. */
  readonly type: string;
  /** Its params, validated against its schema with defaults filled in and completed from the environment. */
  readonly params: Readonly<Record<string, unknown>>;
  /** What chose it: `manifest`, `--tracking-uri`, the environment variable's name, or `default`. */
  readonly chosenBy: string;
}

export interface TrackingChoice {
  /** The manifest's `tracking`, when the manifest (or a `--set`) names one; absent when it was left to the default. */
  readonly manifest?: { readonly type: string; readonly params?: Readonly<Record<string, unknown>> };
  /** `--tracking-uri`: wins over the manifest's URI and the environment. */
  readonly trackingUri?: string;
  readonly environment: Environment;
}

/** The tracker of a manifest that names none and of a run no tracking URI points elsewhere. */
export const DEFAULT_TRACKER = 'local';

export function resolveTrackingTarget(choice: TrackingChoice, trackers: PluginRegistry<'tracker'>): TrackingTarget {
  const { type, params, chosenBy } = choose(choice, trackers);
  const plugin = trackers.get(type);
  const valid = validatedParams(plugin, params, '/tracking/params') as Record<string, unknown>;
  const completed = plugin.addressing?.complete?.(valid, choice.environment) ?? valid;
  return { type, params: completed, chosenBy };
}

function choose(choice: TrackingChoice, trackers: PluginRegistry<'tracker'>): { type: string; params: Record<string, unknown>; chosenBy: string } {
  const named = choice.manifest;
  if (choice.trackingUri !== undefined) {
    const type = named && trackers.get(named.type).addressing ? named.type : addressableTracker(trackers, choice.trackingUri);
    const { uriParam } = trackers.get(type).addressing!;
    const params = named?.type === type ? { ...named.params } : {};
    return { type, params: { ...params, [uriParam]: choice.trackingUri }, chosenBy: '--tracking-uri' };
  }
  if (named) return { type: named.type, params: { ...named.params }, chosenBy: 'manifest' };
  for (const plugin of trackers.list()) {
    const variable = plugin.addressing?.uriVariable;
    const uri = variable ? choice.environment[variable] : undefined;
    if (variable && uri) return { type: plugin.name, params: { [plugin.addressing!.uriParam]: uri }, chosenBy: variable };
  }
  return { type: DEFAULT_TRACKER, params: {}, chosenBy: 'default' };
}

function addressableTracker(trackers: PluginRegistry<'tracker'>, uri: string): string {
  const addressable = trackers.list().filter((plugin) => plugin.addressing);
  if (addressable.length === 1) return addressable[0].name;
  if (addressable.length === 0) throw new UserError(`--tracking-uri ${stripUserinfo(uri)}: no installed tracker takes a tracking URI`);
  throw new UserError(`--tracking-uri ${stripUserinfo(uri)}: several trackers take a tracking URI (${addressable.map((p) => p.name).join(', ')})`, {
    hint: 'name the one you mean in the manifest: "tracking": { "type": "…" }',
  });
}

/** The target as it is recorded and sent over a queue: no credentials in any URI-valued param. */
export function publicTarget(target: TrackingTarget): TrackingTarget {
  const params = Object.fromEntries(Object.entries(target.params).map(([key, value]) => [key, typeof value === 'string' ? stripUserinfo(value) : value]));
  return { ...target, params };
}
