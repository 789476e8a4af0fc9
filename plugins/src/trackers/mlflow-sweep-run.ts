// A sweep in MLflow: one parent run — the sweep's settings as params and the spec as `sweep-spec.json`, the best trial
// so far as metrics and tags, at the end the best trial's params, `trials.csv` and `sweep.json` as artifacts and the
// sweep's status — with every trial a child run (the trial runs carry `mlflow.parentRunId`, so MLflow nests them under
// it). MLflow trouble never stops a sweep: it is reported and the sweep goes on, recorded locally.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SweepInfo, SweepProgress, SweepSyncReport, SweepTracking, WarnSink } from '@distill/core';
import { runStartTags, type MlflowClient, type MlflowKeyValue, type MlflowRunInfo, type MlflowRunStatus } from '@distill/core/tracking';

export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const SWEEP_ID_TAG = 'distill.sweepId';

export interface SweepDestination {
  readonly experimentName?: string;
  readonly experimentId?: string;
}

export class MlflowSweepRun implements SweepTracking {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: MlflowClient,
    private readonly info: MlflowRunInfo,
    private readonly sweep: SweepInfo,
    private readonly warnings: WarnSink,
  ) {}

  get description(): string {
    return `MLflow: parent run ${this.info.run_id} at ${this.client.trackingUri}`;
  }

  get state(): Record<string, string> {
    return { trackingUri: this.client.trackingUri, experimentId: this.info.experiment_id, parentRunId: this.info.run_id };
  }

  /** Creates the parent run (or, on resume, takes up the one `resumed` names); undefined when MLflow cannot. */
  static async open(client: MlflowClient, destination: SweepDestination, sweep: SweepInfo, warnings: WarnSink, resumed?: Readonly<Record<string, string>>): Promise<MlflowSweepRun | undefined> {
    try {
      const earlier = resumed?.trackingUri === client.trackingUri ? resumed.parentRunId : undefined;
      if (earlier) {
        const run = await client.getRun(earlier);
        await client.updateRun({ runId: earlier, status: 'RUNNING' });
        return new MlflowSweepRun(client, run.info, sweep, warnings);
      }
      const experimentId = destination.experimentName ? (await client.getOrCreateExperiment(destination.experimentName)).experiment_id : destination.experimentId!;
      const runName = `${sweep.name}-sweep-${sweep.sweepId.slice(-6)}`;
      const run = await client.createRun({
        experimentId,
        runName,
        startTime: Date.parse(sweep.createdAt),
        tags: { ...runStartTags({ runName, description: sweep.description }), [SWEEP_ID_TAG]: sweep.sweepId, 'distill.sweep.method': sweep.method, 'distill.sweep.metric': sweep.metric.name, ...(sweep.objectives ? { 'distill.sweep.metrics': sweep.objectives.map((o) => `${o.name} (${o.goal})`).join(', ') } : {}) },
      });
      const parent = new MlflowSweepRun(client, run.info, sweep, warnings);
      await client.logBatch(run.info.run_id, { params: Object.entries(sweep.params).map(([key, value]) => ({ key, value })) });
      await client.uploadArtifact(run.info, 'sweep-spec.json', new TextEncoder().encode(`${JSON.stringify(sweep.spec, null, 2)}\n`));
      return parent;
    } catch (error) {
      warnings.warn(`MLflow: no parent run for the sweep (${(error as Error).message}); the trials are still sent to MLflow, not grouped`);
      return undefined;
    }
  }

  /**
   * A sweep that ended while MLflow was unreachable left its parent run RUNNING without its results: send them and the
   * final status, as the sweep would have at its end. A parent run that already ended is left as it is.
   */
  static async complete(client: MlflowClient, sweep: SweepInfo, state: Readonly<Record<string, string>>, progress: SweepProgress): Promise<SweepSyncReport> {
    const name = `sweep ${sweep.sweepId}`;
    const { parentRunId } = state;
    if (!parentRunId || state.trackingUri !== client.trackingUri) return { line: `${name}: no MLflow parent run at ${client.trackingUri}` };
    try {
      const { status } = (await client.getRun(parentRunId)).info;
      if (status !== 'RUNNING') return { line: `${name}: parent run ${parentRunId} already ${status}` };
      let failed: string | undefined;
      const parent = await MlflowSweepRun.open(client, {}, sweep, { warn: (message) => (failed ??= message) }, state);
      await parent?.end(progress);
      if (!parent || failed) throw new Error(failed ?? 'the parent run could not be taken up');
      return { line: `${name}: parent run ${parentRunId} completed (${progress.status}; ${listed(progress.files.map((f) => basename(f)))} sent)` };
    } catch (error) {
      return { line: `${name}: parent run ${parentRunId} not synced: ${(error as Error).message}`, error: true };
    }
  }

  /** The parent run's id nests the trial under it; MLflow names the trial's run after `mlflow.runName`. */
  trialTags(trial: number): Record<string, string> {
    return { [PARENT_RUN_TAG]: this.info.run_id, 'mlflow.runName': `${this.sweep.name}-t${String(trial).padStart(3, '0')}` };
  }

  /** The best trial so far, after a trial ended: `best/<metric>` and the trial counts as metrics, its params as tags. */
  update(progress: SweepProgress): void {
    this.enqueue(async () => {
      const step = progress.ended;
      const timestamp = Date.now();
      const counts = ['finished', 'stopped', 'failed'].map((status) => ({ key: `trials/${status}`, value: progress.counts[status] ?? 0, step, timestamp }));
      const best = progress.best;
      const pareto = progress.pareto;
      await this.client.logBatch(this.info.run_id, {
        metrics: [
          ...counts,
          ...(best ? [{ key: `best/${this.sweep.metric.name}`, value: best.value, step, timestamp }] : []),
          ...(pareto ? [{ key: 'pareto/size', value: pareto.length, step, timestamp }] : []),
        ],
        tags: [...(best ? bestTags(best) : []), ...(pareto ? paretoTags(pareto) : [])],
      });
    });
  }

  /** The results: the best trial's params (when the sweep finished), `trials.csv` and `sweep.json`, and the status. */
  async end(progress: SweepProgress): Promise<void> {
    this.update(progress);
    const status: MlflowRunStatus = progress.status === 'finished' ? 'FINISHED' : progress.status === 'interrupted' ? 'KILLED' : 'FAILED';
    this.enqueue(async () => {
      if (progress.status === 'finished' && progress.best) {
        await this.client.logBatch(this.info.run_id, { params: Object.entries(progress.best.params).map(([key, value]) => ({ key: `best.${key}`, value })) });
      }
      for (const file of progress.files) await this.client.uploadArtifact(this.info, basename(file), await readFile(file));
      await this.client.updateRun({ runId: this.info.run_id, status, endTime: Date.now() });
    });
    await this.queue;
  }

  /** Calls go out one at a time, in order; a failure is reported once per call and never thrown. */
  private enqueue(call: () => Promise<void>): void {
    this.queue = this.queue.then(call).catch((error: unknown) => this.warnings.warn(`MLflow: parent run ${this.info.run_id}: ${(error as Error).message}`));
  }
}

/** The Pareto front so far: its trial numbers and their local run ids, comma-separated. */
function paretoTags(pareto: NonNullable<SweepProgress['pareto']>): MlflowKeyValue[] {
  return [
    { key: 'distill.sweep.pareto', value: pareto.map((p) => p.trial).join(',') },
    { key: 'distill.sweep.paretoRuns', value: pareto.map((p) => p.runId ?? '').join(',') },
  ];
}

function bestTags(best: NonNullable<SweepProgress['best']>): MlflowKeyValue[] {
  return [
    { key: 'best.trial', value: String(best.trial) },
    ...(best.runId ? [{ key: 'best.runId', value: best.runId }] : []),
    ...Object.entries(best.params).map(([key, value]) => ({ key: `best.${key}`, value })),
  ];
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
