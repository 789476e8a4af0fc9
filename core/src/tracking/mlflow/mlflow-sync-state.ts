// `<runDir>/mlflow.json`: how far a run's journal has reached MLflow. Written after every successful delivery, so a
// later `distill sync` (or the tracker after a restart) sends exactly what is missing: nothing lost, nothing twice.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactDeep } from '../../secrets/redact.js';

export const MLFLOW_STATE_FILE = 'mlflow.json';

export interface MlflowSyncState {
  /** The server, without credentials. */
  readonly trackingUri: string;
  /** Where the run goes, as configured when it started (used again by `distill sync`). */
  readonly experimentName?: string;
  readonly configuredExperimentId?: string;
  readonly runName?: string;
  readonly extraTags?: Readonly<Record<string, string>>;
  /** Tags describing where the run ran (user, source, git), taken when it started. */
  readonly startTags?: Readonly<Record<string, string>>;
  /** Set once the MLflow run exists. */
  readonly experimentId?: string;
  readonly runId?: string;
  readonly artifactUri?: string;
  /** Every journal event up to this `seq` is in MLflow. */
  readonly deliveredSeq: number;
  /** A `model` event whose logged model may have been created by an attempt that did not finish (looked for before creating it again). */
  readonly modelAttempted?: number;
  /** The last delivery failure, credentials masked; cleared by the next success. */
  readonly lastError?: string;
  readonly updatedAt: string;
}

export function readMlflowState(runDir: string): MlflowSyncState | undefined {
  const file = join(runDir, MLFLOW_STATE_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as MlflowSyncState;
}

/**
 * A run resumed from a checkpoint journals again what came after it: delivery goes back to there too, so nothing the
 * resumed run journals is taken for delivered (the steps trained again are sent again, with the same values).
 */
export function rewindMlflowState(runDir: string, seq: number): void {
  const state = readMlflowState(runDir);
  if (state && state.deliveredSeq > seq) writeMlflowState(runDir, { ...state, deliveredSeq: seq, modelAttempted: undefined });
}

/** Atomic (write then rename): a crash never leaves a half-written state behind. */
export function writeMlflowState(runDir: string, state: Omit<MlflowSyncState, 'updatedAt'>): MlflowSyncState {
  const stored = { ...state, updatedAt: new Date().toISOString() };
  const file = join(runDir, MLFLOW_STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(redactDeep(stored), null, 2)}\n`);
  renameSync(temporary, file);
  return stored;
}
