// The tracker a run reports to, built from the run's tracking target with the run's services: the environment it
// may read, the run's log for its warnings, and the run it records.
import type { Tracker } from '../plugins/tracker-plugin.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { RunServices } from '../plugins/run-services.js';
import type { TrackingTarget } from '../tracking/tracking-target.js';
import type { RunComponents } from './run-components.js';

export async function buildTracker(host: PluginHost, components: RunComponents, target: TrackingTarget, services: RunServices): Promise<Tracker> {
  return host.registries.tracker.build(target.type, target.params, components.context('/tracking'), services);
}
