// A queue job names the MLflow server its trial reports to, and the trial authenticates with the worker's own MLflow
// credentials: a job must not be able to send those to a server of its choosing. A worker that has credentials
// (MLFLOW_TRACKING_USERNAME/PASSWORD, MLFLOW_TRACKING_TOKEN or ~/.mlflow/credentials) therefore runs only trials that
// report to its own MLFLOW_TRACKING_URI; a worker without credentials sends nothing secret and follows the job.
import { resolveMlflowConfig } from '../../tracking/mlflow/mlflow-config.js';
import type { TrialTask } from '../trial-executor.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Why the worker refuses the job's tracking server, or undefined when it may report there. */
export function refusedTrackingTarget(task: Pick<TrialTask, 'tracking' | 'manifest'>, env: Env): string | undefined {
  const targets = jobTrackingUris(task);
  if (targets.length === 0) return undefined;
  let own: string | undefined;
  try {
    const config = resolveMlflowConfig({ trackingUri: targets[0] }, env);
    if (!config.auth) return undefined;
    own = env.MLFLOW_TRACKING_URI ? resolveMlflowConfig({}, env).trackingUri : undefined;
  } catch (error) {
    return `the trial's MLflow tracking URI is not usable: ${error instanceof Error ? error.message : String(error)}`;
  }
  const foreign = targets.map(normalised).find((uri) => uri !== own);
  if (foreign === undefined) return undefined;
  return (
    `sends its MLflow credentials only to its own MLFLOW_TRACKING_URI (${own ?? 'not set'}), ` +
    `but the trial reports to ${foreign}: start the worker with MLFLOW_TRACKING_URI=${foreign} if that server is trusted`
  );
}

/** The servers a trial would report to, as the job names them (the worker's own URI applies when it names none). */
function jobTrackingUris(task: Pick<TrialTask, 'tracking' | 'manifest'>): string[] {
  const uris: string[] = [];
  if (task.tracking.trackingUri) uris.push(task.tracking.trackingUri);
  const tracker = task.manifest.tracking as { type?: unknown; params?: { trackingUri?: unknown } } | undefined;
  if (tracker?.type === 'mlflow' && typeof tracker.params?.trackingUri === 'string') uris.push(tracker.params.trackingUri);
  return uris;
}

function normalised(uri: string): string {
  try {
    return resolveMlflowConfig({ trackingUri: uri }, {}).trackingUri;
  } catch {
    return uri;
  }
}
