// Where `distill run --resume <run>` continues from: the newest checkpoint that reads back whole (a partial or
// corrupt one is skipped with a warning, and removed), and the differences between the manifest the run started with
// and the one it is resumed with. Resuming also cuts the journal back to where the checkpoint had it, so the metrics
// of the steps trained again are not there twice.
import { existsSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../errors.js';
import { EVENTS_FILE, METRICS_FILE } from '../../tracking/run-journal.js';
import { rewindMlflowState } from '../../tracking/mlflow/mlflow-sync-state.js';
import { PROCESS_FILE, runProcessGone } from '../../tracking/heartbeat.js';
import { CHECKPOINTS_DIR, listCheckpoints, verifyCheckpoint, type LoadedCheckpoint, type VerifiedCheckpoint } from './checkpoint-files.js';
import type { CheckpointMeta } from './run-checkpointer.js';

/** The newest usable checkpoint of `runDir`; the ones after it that cannot be read are removed, each with a warning. */
export function latestCheckpoint(runDir: string, log: { warn(message: string): void }): VerifiedCheckpoint<CheckpointMeta> {
  const names = listCheckpoints(runDir);
  if (names.length === 0) {
    throw new UserError(`${runDir} has no checkpoint to resume from`, { hint: `a run writes its first checkpoint at the end of its first epoch (or after training.checkpoint.everySteps steps); start it again with distill run` });
  }
  for (const name of [...names].reverse()) {
    try {
      return verifyCheckpoint<CheckpointMeta>(runDir, name);
    } catch (error) {
      const older = names.indexOf(name) > 0;
      log.warn(`checkpoint ${name} cannot be used: ${(error as Error).message}; ${older ? 'falling back to the one before it' : 'no older checkpoint is left'}`);
      rmSync(join(runDir, CHECKPOINTS_DIR, name), { recursive: true, force: true });
    }
  }
  throw new UserError(`no checkpoint of ${runDir} can be read (see the warnings above)`, { hint: 'start the run again with distill run' });
}

/**
 * The checkpoint an interrupted run can be continued from (a sweep's trial run again), or undefined when there is
 * none: no run directory, a finished run, a run whose process still trains it, or no checkpoint that reads back.
 */
export function resumableCheckpoint(runDir: string, log: { warn(message: string): void }): VerifiedCheckpoint<CheckpointMeta> | undefined {
  if (!existsSync(join(runDir, EVENTS_FILE)) || finishedStatus(runDir) === 'FINISHED') return undefined;
  if (existsSync(join(runDir, PROCESS_FILE)) && !runProcessGone(runDir)) return undefined;
  if (listCheckpoints(runDir).length === 0) return undefined;
  try {
    return latestCheckpoint(runDir, log);
  } catch {
    return undefined;
  }
}

/** `key: before → after` for every flattened manifest value that differs. */
export function manifestChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => before[key] !== after[key]).map((key) => `${key}: ${before[key] ?? '(absent)'} → ${after[key] ?? '(absent)'}`);
}

/** Cuts `events.jsonl` and `metrics.jsonl` back to the sizes the checkpoint recorded (and MLflow's delivery with them). */
export function rewindJournal(runDir: string, journal: CheckpointMeta['journal']): void {
  for (const [file, bytes] of [[EVENTS_FILE, journal.eventsBytes], [METRICS_FILE, journal.metricsBytes]] as const) {
    const path = join(runDir, file);
    if (existsSync(path) && statSync(path).size > bytes) truncateSync(path, bytes);
  }
  rewindMlflowState(runDir, journal.seq);
  // What an interrupted run wrote as its end (Ctrl-C: KILLED) is not the resumed run's: it writes its own.
  rmSync(join(runDir, 'summary.json'), { force: true });
}

/** The status `summary.json` gives the run, when it has one. */
export function finishedStatus(runDir: string): string | undefined {
  const file = join(runDir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    const status = (JSON.parse(readFileSync(file, 'utf8')) as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}

export function disposeCheckpoint(checkpoint: LoadedCheckpoint<CheckpointMeta>): void {
  tf.dispose([...checkpoint.tensors.values()]);
}
