// `sweep.json`: the sweep's spec, every trial (parameters, status, metric history, run directory) and the best one.
// It is rewritten (atomically) whenever a trial starts, reports an epoch or ends, so an interrupted or crashed sweep
// can be resumed from it, and read by anything that wants the results.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Assignment, SweepSpec } from './sweep-spec.js';
import type { TeacherOutcome } from './trial-executor.js';
import type { TrackingTarget } from '../tracking/tracking-target.js';

export const SWEEP_FILE = 'sweep.json';
export const TRIALS_CSV = 'trials.csv';

export type TrialStatus = 'pending' | 'running' | 'finished' | 'stopped' | 'failed' | 'killed';

export interface TrialRecord {
  /** 1-based. */
  trial: number;
  params: Assignment;
  status: TrialStatus;
  runId?: string;
  /** Relative to the sweep directory. */
  runDir?: string;
  /** The sweep metric when the trial ended (null: the run did not measure it). */
  metric?: number | null;
  /** Every objective and constrained metric when the trial ended (null: not measured). */
  metrics?: Record<string, number | null>;
  /** Whether the trial met every constraint. */
  feasible?: boolean;
  /** With `repeats`: the configuration (from 1) this trial is a run of, which run (from 1), and its seed. */
  config?: number;
  repeat?: number;
  seed?: number;
  /** The sweep metric after each epoch (epochs counted from 1), when it is a validation metric. */
  history: Record<string, number>;
  /** Progress of the stage the metric comes from: last epoch reported, and how many it has. */
  epoch?: number;
  epochs?: number;
  stoppedEarly?: { epoch: number; reason: string };
  error?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /**
   * Run directories of other attempts: killed by an interrupt and run again on resume, or a queue trial run twice
   * (a worker lost, or its lock lost in a Redis outage) whose result was not the one committed.
   */
  previousRuns?: string[];
  /** The checkpoint of its run the trial was last continued from (a resumed sweep). */
  resumedFrom?: string;
}

export interface SweepRecord {
  version: 1;
  sweepId: string;
  name: string;
  status: 'running' | 'finished' | 'interrupted' | 'failed';
  createdAt: string;
  updatedAt: string;
  /** What to reopen on `--resume`. */
  specFile: string;
  baseFile: string;
  overrides: string[];
  plugins: string[];
  fingerprint: string;
  spec: SweepSpec;
  concurrency: number;
  teacher?: Omit<TeacherOutcome, 'status'> & { status: TeacherOutcome['status'] | 'per-trial' };
  /** Where the trials are recorded (credentials removed), and what the tracker needs to take its sweep record up again. */
  tracking?: TrackingTarget & { state: Record<string, string> };
  trials: TrialRecord[];
  best?: { trial: number; params: Assignment; metric: number; runDir?: string };
  /** The trials on the Pareto front of the objectives (feasible ones only; with repeats, every run of a front configuration). */
  pareto?: number[];
  error?: string;
}

export function readSweepRecord(sweepDir: string): SweepRecord {
  const file = join(sweepDir, SWEEP_FILE);
  if (!existsSync(file)) throw new UserError(`${sweepDir} is not a sweep directory: it has no ${SWEEP_FILE}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SweepRecord;
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Written next to the old file and renamed over it: a crash mid-write never leaves a torn sweep.json. */
export function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

export function formatSweepRecord(record: SweepRecord): string {
  return `${JSON.stringify(record, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
