// The one trial-running code path: whatever process a trial lands in (a local child process, a queue worker), it is
// run here — an ordinary `runExperiment` with the sweep's tags, the shared teacher cache and an epoch hook that
// reports the trial's validation metrics and lets the sweep stop it early. A trial writes checkpoints like `distill run`
// (`training.checkpoint`), and a trial of a resumed sweep continues its interrupted run from the newest one.
import { join } from 'node:path';
import { runExperiment } from '../run/run-experiment.js';
import { createRunLog } from '../run/run-logger.js';
import { TrainingCache } from '../run/cache/training-cache.js';
import type { TrialOutcome, TrialTask } from './trial-executor.js';
import { forwardSteps, type TrialHooks } from './trial-hooks.js';
import { openTrialManifest } from './open-trial-manifest.js';
import { latestCheckpoint, manifestChanges } from '../run/checkpoints/resume-point.js';
import { flattenManifest } from '../run/flatten-manifest.js';
import { redactDeep } from '../secrets/redact.js';

export async function runTrial(task: TrialTask, hooks: TrialHooks): Promise<TrialOutcome> {
  const started = Date.now();
  try {
    const { loaded, host } = await openTrialManifest(task);
    const log = createRunLog(undefined, true);
    if (hooks.job !== undefined) log.info(`trial process ${process.pid}, job ${hooks.job} of this process`);
    const checkpoint = task.resume ? latestCheckpoint(join(task.outDir, task.runId), log) : undefined;
    const resume = checkpoint ? { checkpoint, changes: manifestChanges(checkpoint.meta.params, redactDeep(flattenManifest(loaded.experiment))) } : undefined;
    const outcome = await runExperiment({
      loaded,
      host,
      outDir: task.outDir,
      runId: task.runId,
      tags: task.tags,
      // Recorded in each checkpoint; a trial is continued by `distill sweep --resume`, which hands it its manifest.
      checkpoints: { invocation: { manifest: task.manifestFile, overrides: [], plugins: [...task.plugins], cache: true, sweepId: task.sweepId } },
      ...(resume ? { resume } : {}),
      log,
      progress: forwardSteps(hooks),
      tracking: task.tracking,
      signal: hooks.signal,
      onEpochEnd: async (stage, epoch, metrics) => ((await hooks.epoch({ stage, epoch, metrics })) === 'stop' ? 'stop' : undefined),
      trainingCache: new TrainingCache(task.trainingCacheDir),
    });
    const { summary } = outcome;
    return {
      status: summary.status === 'RUNNING' ? 'FAILED' : summary.status,
      runId: outcome.runId,
      runDir: outcome.runDir,
      metrics: summary.metrics,
      stoppedEarly: Object.values(summary.stages).some((stage) => stage.stoppedEarly),
      ...(summary.error ? { error: summary.error } : {}),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'FAILED', runId: task.runId, metrics: {}, stoppedEarly: false, error: message, durationMs: Date.now() - started };
  }
}
