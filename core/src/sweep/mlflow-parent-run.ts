// A sweep in MLflow: one parent run — the spec as params and as `sweep-spec.json`, the best trial so far as metrics
// and tags, at the end the best trial's params, `trials.csv` and `sweep.json` as artifacts and the sweep's status —
// with every trial a child run (the trial runs carry `mlflow.parentRunId`, so MLflow nests them under it). It goes
// to the server and experiment the trials' `mlflow` tracker uses. MLflow trouble never stops a sweep: it is reported
// and the sweep goes on, recorded locally.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { trackerReference, type TrackingOptions } from '../run/run-trackers.js';
import { MlflowClient } from '../tracking/mlflow/mlflow-client.js';
import { resolveMlflowConfig } from '../tracking/mlflow/mlflow-config.js';
import { DEFAULT_EXPERIMENT_ID } from '../tracking/mlflow/mlflow-run-delivery.js';
import { runStartTags } from '../tracking/mlflow/run-start-tags.js';
import type { MlflowKeyValue, MlflowRunInfo, MlflowRunStatus } from '../tracking/mlflow/mlflow-types.js';
import { SWEEP_FILE, TRIALS_CSV, type SweepRecord } from './sweep-record.js';
import { formatParam } from './sweep-ranking.js';

export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const SWEEP_ID_TAG = 'distill.sweepId';

export interface SweepTrackingTarget {
  readonly trackingUri: string;
  readonly experimentName?: string;
  readonly experimentId?: string;
}

/** Where the trials' runs go in MLflow, if they go there at all — resolved as the `mlflow` tracker resolves it. */
export function sweepTrackingTarget(experiment: ResolvedExperiment, tracking: TrackingOptions): SweepTrackingTarget | undefined {
  const env = tracking.env ?? {};
  const reference = trackerReference(experiment, tracking);
  if (reference.type !== 'mlflow') return undefined;
  const params = reference.params as { trackingUri?: string; experimentName?: string };
  const trackingUri = params.trackingUri ?? (env.MLFLOW_TRACKING_URI || undefined);
  if (!trackingUri) return undefined;
  const experimentName = params.experimentName ?? (env.MLFLOW_EXPERIMENT_NAME || undefined);
  return { trackingUri, ...(experimentName ? { experimentName } : { experimentId: env.MLFLOW_EXPERIMENT_ID || DEFAULT_EXPERIMENT_ID }) };
}

export class SweepParentRun {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: MlflowClient,
    private readonly info: MlflowRunInfo,
    private readonly warn: (message: string) => void,
  ) {}

  get runId(): string {
    return this.info.run_id;
  }

  /** Creates the parent run (or, on resume, takes up the one in `record.mlflow`); undefined when MLflow cannot. */
  static async open(target: SweepTrackingTarget, record: SweepRecord, warn: (message: string) => void): Promise<SweepParentRun | undefined> {
    try {
      const client = new MlflowClient(resolveMlflowConfig({ trackingUri: target.trackingUri }));
      const earlier = record.mlflow?.trackingUri === client.trackingUri ? record.mlflow.parentRunId : undefined;
      if (earlier) {
        const run = await client.getRun(earlier);
        await client.updateRun({ runId: earlier, status: 'RUNNING' });
        return new SweepParentRun(client, run.info, warn);
      }
      const experimentId = target.experimentName ? (await client.getOrCreateExperiment(target.experimentName)).experiment_id : target.experimentId!;
      const runName = `${record.name}-sweep-${record.sweepId.slice(-6)}`;
      const description = `Sweep (${record.spec.method}) over ${record.spec.parameters.map((p) => p.key).join(', ')}, ranked by ${record.spec.metric.name} (${record.spec.metric.goal}).`;
      const run = await client.createRun({
        experimentId,
        runName,
        startTime: Date.parse(record.createdAt),
        tags: { ...runStartTags({ runName, description }), [SWEEP_ID_TAG]: record.sweepId, 'distill.sweep.method': record.spec.method, 'distill.sweep.metric': record.spec.metric.name },
      });
      const parent = new SweepParentRun(client, run.info, warn);
      await client.logBatch(parent.runId, { params: specParams(record) });
      await client.uploadArtifact(run.info, 'sweep-spec.json', new TextEncoder().encode(`${JSON.stringify(record.spec, null, 2)}\n`));
      record.mlflow = { trackingUri: client.trackingUri, experimentId, parentRunId: parent.runId };
      return parent;
    } catch (error) {
      warn(`MLflow: no parent run for the sweep (${(error as Error).message}); the trials are still sent to MLflow, not grouped`);
      return undefined;
    }
  }

  /** The best trial so far, after a trial ended: `best/<metric>` and the trial counts as metrics, its params as tags. */
  update(record: SweepRecord): void {
    const snapshot = structuredClone(record);
    this.enqueue(async () => {
      const step = snapshot.trials.filter((t) => !['pending', 'running'].includes(t.status)).length;
      const timestamp = Date.now();
      const counts = ['finished', 'stopped', 'failed'].map((status) => ({ key: `trials/${status}`, value: snapshot.trials.filter((t) => t.status === status).length, step, timestamp }));
      const best = snapshot.best;
      await this.client.logBatch(this.runId, {
        metrics: [...counts, ...(best ? [{ key: `best/${snapshot.spec.metric.name}`, value: best.metric, step, timestamp }] : [])],
        tags: best ? bestTags(snapshot) : [],
      });
    });
  }

  /**
   * The results: the best trial's params (when the sweep finished), `trials.csv`, `sweep.json` and any `extraFiles` of
   * the sweep directory (its report), and the status.
   */
  async end(record: SweepRecord, sweepDir: string, extraFiles: readonly string[] = []): Promise<void> {
    this.update(record);
    const status: MlflowRunStatus = record.status === 'finished' ? 'FINISHED' : record.status === 'interrupted' ? 'KILLED' : 'FAILED';
    this.enqueue(async () => {
      if (record.status === 'finished' && record.best) {
        await this.client.logBatch(this.runId, { params: Object.entries(record.best.params).map(([key, value]) => ({ key: `best.${key}`, value: formatParam(value) })) });
      }
      for (const file of [TRIALS_CSV, SWEEP_FILE, ...extraFiles]) await this.client.uploadArtifact(this.info, file, await readFile(join(sweepDir, file)));
      await this.client.updateRun({ runId: this.runId, status, endTime: Date.now() });
    });
    await this.queue;
  }

  /** Calls go out one at a time, in order; a failure is reported once per call and never thrown. */
  private enqueue(call: () => Promise<void>): void {
    this.queue = this.queue.then(call).catch((error: unknown) => this.warn(`MLflow: parent run ${this.runId}: ${(error as Error).message}`));
  }
}

function specParams(record: SweepRecord): MlflowKeyValue[] {
  const { spec } = record;
  const params: Record<string, unknown> = {
    'sweep.method': spec.method,
    'sweep.metric': spec.metric.name,
    'sweep.goal': spec.metric.goal,
    'sweep.seed': spec.seed,
    'sweep.runCap': spec.runCap,
    'sweep.earlyTerminate': spec.earlyTerminate,
    'sweep.manifest': record.baseFile,
  };
  for (const p of spec.parameters) {
    const { kind: _kind, ...domain } = p.domain;
    params[`sweep.parameters.${p.key}`] = domain;
  }
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }));
}

function bestTags(record: SweepRecord): MlflowKeyValue[] {
  const best = record.best!;
  const trial = record.trials.find((t) => t.trial === best.trial);
  return [
    { key: 'best.trial', value: String(best.trial) },
    ...(trial?.runId ? [{ key: 'best.runId', value: trial.runId }] : []),
    ...Object.entries(best.params).map(([key, value]) => ({ key: `best.${key}`, value: formatParam(value) })),
  ];
}
