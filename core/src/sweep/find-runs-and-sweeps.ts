// What `distill runs` and `distill sync` are pointed at: a run directory, a sweep directory, or a directory holding
// either. A sweep directory is not a run: its runs are its trials (the `runDir` and `previousRuns` of each trial in
// sweep.json, and whatever run directories `runs/` holds), and its `teacher/` folder — the shared teacher's training
// journal — is never one (it is never listed, and never synced as an MLflow run of its own).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { EVENTS_FILE } from '../tracking/run-journal.js';
import { readSweepRecord, SWEEP_FILE, type SweepRecord } from './sweep-record.js';

export interface SweepDir {
  readonly dir: string;
  readonly record: SweepRecord;
  /** Its trials' run directories, in trial order, earlier attempts first. */
  readonly runDirs: readonly string[];
}

export interface RunsAndSweeps {
  /** Run directories that belong to no sweep. */
  readonly runDirs: readonly string[];
  readonly sweeps: readonly SweepDir[];
}

export function findRunsAndSweeps(target: string): RunsAndSweeps {
  const dir = resolve(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${target} is not a directory`);
  if (isRunDir(dir)) return { runDirs: [dir], sweeps: [] };
  if (isSweepDir(dir)) return { runDirs: [], sweeps: [sweepDir(dir)] };
  const children = readdirSync(dir).sort().map((name) => join(dir, name)).filter((path) => statSync(path).isDirectory());
  return { runDirs: children.filter(isRunDir), sweeps: children.filter(isSweepDir).map(sweepDir) };
}

const isRunDir = (dir: string) => existsSync(join(dir, EVENTS_FILE));
const isSweepDir = (dir: string) => existsSync(join(dir, SWEEP_FILE));

function sweepDir(dir: string): SweepDir {
  const record = readSweepRecord(dir);
  const listed = [...record.trials]
    .sort((a, b) => a.trial - b.trial)
    .flatMap((trial) => [...(trial.previousRuns ?? []), ...(trial.runDir ? [trial.runDir] : [])])
    .map((runDir) => resolve(dir, runDir));
  const runs = join(dir, 'runs');
  const unlisted = existsSync(runs) ? readdirSync(runs).sort().map((name) => join(runs, name)) : [];
  return { dir, record, runDirs: [...new Set([...listed, ...unlisted])].filter(isRunDir) };
}
