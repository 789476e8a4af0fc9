// A queue job names the tracker and server its trial reports to, and the trial authenticates with the worker's own
// credentials: a job must not be able to send those to a server of its choosing. A worker that holds credentials for
// the job's tracker (its `addressing.holdsCredentials`: MLflow's password, token or credentials file) therefore runs only
// trials that report to the server its own environment names (MLFLOW_TRACKING_URI); a worker without credentials sends
// nothing secret and follows the job. The job's params are also validated against the worker's own tracker plugin.
import type { PluginRegistry } from '../../plugins/plugin-registry.js';
import type { Environment } from '../../plugins/run-services.js';
import { validatedParams } from '../../manifest/params-validator.js';
import { stripUserinfo } from '../../secrets/redact.js';
import type { TrackingTarget } from '../../tracking/tracking-target.js';

/** Why the worker refuses the job's tracking target, or undefined when it may report there. */
export function refusedTrackingTarget(target: TrackingTarget, trackers: PluginRegistry<'tracker'>, env: Environment): string | undefined {
  if (!trackers.has(target.type)) return `has no "${target.type}" tracker, which the trial reports to`;
  const plugin = trackers.get(target.type);
  try {
    validatedParams(plugin, target.params, '/tracking/params');
  } catch (error) {
    return `refuses the trial's tracking: ${(error as Error).message}`;
  }
  const addressing = plugin.addressing;
  const uri = addressing ? target.params[addressing.uriParam] : undefined;
  if (!addressing || typeof uri !== 'string' || !addressing.holdsCredentials?.(env)) return undefined;
  const own = addressing.uriVariable ? env[addressing.uriVariable] : undefined;
  if (own && normalised(own) === normalised(uri)) return undefined;
  const variable = addressing.uriVariable ?? 'its tracking URI';
  return (
    `sends its ${target.type} credentials only to its own ${variable} (${own ? normalised(own) : 'not set'}), ` +
    `but the trial reports to ${normalised(uri)}: start the worker with ${variable}=${normalised(uri)} if that server is trusted`
  );
}

/** A URI as it is compared: no credentials, no trailing slash. */
function normalised(uri: string): string {
  try {
    const url = new URL(stripUserinfo(uri));
    url.hash = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return uri;
  }
}
