// The trackers a run reports to. A tracking URI given by flag or by MLFLOW_TRACKING_URI sends a manifest that names
// no tracker of its own to MLflow, as MLflow's own client does.
import type { Tracker } from '../plugins/tracker-plugin.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import type { RunComponents } from './run-components.js';

export interface TrackingOptions {
  /** `--tracking-uri`; wins over the environment. */
  readonly trackingUri?: string;
  /** Whether the manifest itself named a tracker (a defaulted `local` tracker yields to a tracking URI). */
  readonly manifestNamesTracker: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export function trackerReference(experiment: ResolvedExperiment, options: TrackingOptions): { type: string; params: Record<string, unknown> } {
  const uri = options.trackingUri ?? options.env?.MLFLOW_TRACKING_URI;
  const configured = { type: experiment.tracking.type, params: { ...(experiment.tracking.params ?? {}) } };
  if (configured.type === 'mlflow' && options.trackingUri) return { type: 'mlflow', params: { ...configured.params, trackingUri: options.trackingUri } };
  if (uri && (!options.manifestNamesTracker || options.trackingUri)) return { type: 'mlflow', params: { trackingUri: uri } };
  return configured;
}

export async function buildTracker(host: PluginHost, components: RunComponents, reference: { type: string; params: Record<string, unknown> }): Promise<Tracker> {
  return host.registries.tracker.build(reference.type, reference.params, components.context('/tracking'), host.container);
}
