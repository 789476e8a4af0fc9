// `summary.json`: what a run was, how it ended and what it measured.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunStatus } from '../plugins/tracker-plugin.js';
import { redactDeep } from '../secrets/redact.js';

export interface RunSummary {
  readonly runId: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly backend: { readonly name: string; readonly reason: string; readonly version?: string; readonly threads?: number };
  readonly startTime: string;
  readonly endTime: string;
  readonly durationMs: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Paths relative to the run directory. */
  readonly artifacts: readonly string[];
  readonly error?: string;
  readonly stages: Readonly<
    Record<string, { steps: number; epochs: number; stoppedEarly: boolean; stoppedBy?: 'early-stopping' | 'early-termination'; weightsEpoch?: number }>
  >;
  /** The weights the student was evaluated and saved with: its last stage's, after this epoch (from 1). */
  readonly studentWeights?: { readonly stage: string; readonly epoch: number; readonly restoredBest: boolean };
  /** The checkpoint a resumed run continued from, and the manifest's changes it was allowed to continue with. */
  readonly resumedFrom?: { readonly checkpoint: string; readonly changes?: readonly string[] };
  /** What the dataset reported about reading its data (`skippedFiles`). */
  readonly dataset?: Readonly<Record<string, number>>;
  /** `training.augment` as it ran (params with their defaults) and the seed its randomness derives from. */
  readonly augmentation?: { readonly seed: number; readonly steps: readonly { readonly type: string; readonly params?: unknown }[] };
}

export const SUMMARY_FILE = 'summary.json';

export function writeSummary(runDir: string, summary: RunSummary): string {
  const file = join(runDir, SUMMARY_FILE);
  // JSON has no NaN: a metric that could not be computed is written as null.
  writeFileSync(file, `${JSON.stringify(redactDeep(summary), (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  return file;
}
