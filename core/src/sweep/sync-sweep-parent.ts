// `distill sync` on a sweep: after its trials, the sweep's MLflow parent run. A sweep that ended while MLflow was
// unreachable left its parent run RUNNING without its results; sync sends them (the best trial's params,
// `trials.csv`, `sweep.json`) and the sweep's final status, as the sweep would have at its end. A parent run that
// already ended is left as it is.
import { MlflowClient } from '../tracking/mlflow/mlflow-client.js';
import { resolveMlflowConfig } from '../tracking/mlflow/mlflow-config.js';
import type { SweepDir } from './find-runs-and-sweeps.js';
import { SweepParentRun } from './mlflow-parent-run.js';

export interface ParentSyncResult {
  readonly line: string;
  readonly error?: boolean;
}

export async function syncSweepParent({ dir, record }: SweepDir, warn: (message: string) => void): Promise<ParentSyncResult> {
  const name = `sweep ${record.sweepId}`;
  if (!record.mlflow) return { line: `${name}: no MLflow parent run (tracking was off, or MLflow could not be reached when it started)` };
  const { trackingUri, experimentId, parentRunId } = record.mlflow;
  if (record.status === 'running') return { line: `${name}: still running, or its coordinator stopped (distill sweep --resume ${dir}); parent run ${parentRunId} left as it is` };
  try {
    const client = new MlflowClient(resolveMlflowConfig({ trackingUri }));
    const { status } = (await client.getRun(parentRunId)).info;
    if (status !== 'RUNNING') return { line: `${name}: parent run ${parentRunId} already ${status}` };
    let failed: string | undefined;
    const parent = await SweepParentRun.open({ trackingUri, experimentId }, structuredClone(record), (message) => (failed ??= message));
    await parent?.end(record, dir);
    if (!parent || failed) throw new Error(failed ?? 'the parent run could not be taken up');
    return { line: `${name}: parent run ${parentRunId} completed (${record.status}; trials.csv and sweep.json sent)` };
  } catch (error) {
    warn(`${name}: parent run ${parentRunId}: ${(error as Error).message}`);
    return { line: `${name}: parent run ${parentRunId} not synced: ${(error as Error).message}`, error: true };
  }
}
