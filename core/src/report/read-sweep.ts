// A sweep directory as a report sees it: `sweep.json` (spec, trials, best) with each trial's objective values, taken
// from the trial record or, for objectives the record does not carry, from the trial's own `summary.json`. Trial run
// directories are paths written in a file that may come from elsewhere: only those inside the sweep directory are read.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { SWEEP_FILE } from '../sweep/sweep-record.js';
import { SUMMARY_FILE } from '../run/run-summary.js';
import { isObject, numberOrNaN, readJson, stringOr, type JsonObject } from './json-checks.js';
import { objectivesOf, type Objective } from './objectives.js';

export interface SweepParameter {
  readonly key: string;
  /** The manifest paths the key sets (several for comma-joined keys), as keys and indices. */
  readonly paths: readonly (readonly string[])[];
  /** Sampled uniformly in log space: charts use a log axis. */
  readonly log: boolean;
}

export interface TrialData {
  readonly trial: number;
  readonly status: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Objective name → value, for the objectives the trial measured (NaN when it measured NaN). */
  readonly values: Readonly<Record<string, number>>;
  /** The first objective after each epoch. */
  readonly history: readonly { readonly epoch: number; readonly value: number }[];
  readonly epochs?: number;
  readonly stoppedEarly?: { readonly epoch: number; readonly reason: string };
  readonly durationMs?: number;
  /** As recorded, relative to the sweep directory (only when it lies inside it). */
  readonly runDir?: string;
  readonly error?: string;
}

export interface SweepData {
  readonly dir: string;
  readonly sweepId: string;
  readonly name: string;
  readonly status: string;
  readonly method: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly baseFile?: string;
  readonly objectives: readonly Objective[];
  /** The sweep's spec as recorded, to show. */
  readonly spec: JsonObject;
  readonly parameters: readonly SweepParameter[];
  readonly trials: readonly TrialData[];
  readonly problems: readonly string[];
}

export function isSweepDir(dir: string): boolean {
  return existsSync(join(dir, SWEEP_FILE));
}

export function readSweep(dir: string): SweepData {
  const read = readJson(dir, SWEEP_FILE);
  if (!read.found || read.problem || !isObject(read.value)) {
    throw new Error(read.found ? (read.problem ?? `${SWEEP_FILE} is not a JSON object`) : `${SWEEP_FILE} is missing`);
  }
  const record = read.value;
  const problems: string[] = [];
  const spec = isObject(record.spec) ? record.spec : {};
  const objectives = objectivesOf(spec);
  if (objectives.length === 0) problems.push(`${SWEEP_FILE} names no metric to rank trials by: the charts of the metric are left out`);
  const trials = (Array.isArray(record.trials) ? record.trials : []).filter(isObject).flatMap((raw) => trialData(dir, raw, objectives, problems));
  return {
    dir,
    sweepId: stringOr(record.sweepId, dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir),
    name: stringOr(record.name, 'sweep'),
    status: stringOr(record.status, 'unknown'),
    method: stringOr(spec.method, 'unknown'),
    createdAt: stringOr(record.createdAt, undefined),
    updatedAt: stringOr(record.updatedAt, undefined),
    baseFile: stringOr(record.baseFile, undefined),
    objectives,
    spec,
    parameters: parameters(spec),
    trials,
    problems,
  };
}

function parameters(spec: JsonObject): SweepParameter[] {
  const list = Array.isArray(spec.parameters) ? spec.parameters : [];
  return list.filter((p): p is JsonObject => isObject(p) && typeof p.key === 'string').map((p) => {
    const domain = isObject(p.domain) ? p.domain : {};
    const key = p.key as string;
    return { key, paths: key.split(',').map((path) => path.trim().split('.')), log: typeof domain.distribution === 'string' && domain.distribution.includes('log') };
  });
}

function trialData(sweepDir: string, raw: JsonObject, objectives: readonly Objective[], problems: string[]): TrialData[] {
  if (!Number.isInteger(raw.trial)) return [];
  const trial = raw.trial as number;
  const runDir = insideSweep(sweepDir, raw.runDir, trial, problems);
  const status = stringOr(raw.status, 'unknown');
  const values = objectiveValues(sweepDir, raw, objectives, runDir, status);
  const history = isObject(raw.history)
    ? Object.entries(raw.history).flatMap(([epoch, value]) => {
        const number = numberOrNaN(value);
        return /^\d+$/.test(epoch) && number !== undefined ? [{ epoch: Number(epoch), value: number }] : [];
      }).sort((a, b) => a.epoch - b.epoch)
    : [];
  const stopped = isObject(raw.stoppedEarly) && Number.isInteger(raw.stoppedEarly.epoch)
    ? { epoch: raw.stoppedEarly.epoch as number, reason: stringOr(raw.stoppedEarly.reason, '') }
    : undefined;
  return [{
    trial,
    status,
    params: isObject(raw.params) ? raw.params : {},
    values,
    history,
    ...(Number.isInteger(raw.epoch) ? { epochs: raw.epoch as number } : {}),
    ...(stopped ? { stoppedEarly: stopped } : {}),
    ...(typeof raw.durationMs === 'number' ? { durationMs: raw.durationMs } : {}),
    ...(runDir ? { runDir } : {}),
    ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
  }];
}

/** The trial's value of each objective: from the record (`metrics`, or `metric` for the first), else its summary.json. */
function objectiveValues(sweepDir: string, raw: JsonObject, objectives: readonly Objective[], runDir: string | undefined, status: string): Record<string, number> {
  const values: Record<string, number> = {};
  const recorded = isObject(raw.metrics) ? raw.metrics : {};
  objectives.forEach((objective, i) => {
    const value = numberOrNaN(recorded[objective.name]) ?? (i === 0 ? numberOrNaN(raw.metric) : undefined);
    if (value !== undefined) values[objective.name] = value;
  });
  const missing = objectives.filter((o) => values[o.name] === undefined);
  // Only ended trials have a summary; a running trial's values are not known yet.
  if (missing.length > 0 && runDir && (status === 'finished' || status === 'stopped')) {
    const summary = readJson(join(sweepDir, runDir), SUMMARY_FILE);
    const metrics = summary.found && isObject(summary.value) && isObject(summary.value.metrics) ? summary.value.metrics : {};
    for (const objective of missing) {
      const value = numberOrNaN(metrics[objective.name]);
      if (value !== undefined) values[objective.name] = value;
    }
  }
  return values;
}

function insideSweep(sweepDir: string, runDir: unknown, trial: number, problems: string[]): string | undefined {
  if (typeof runDir !== 'string' || runDir === '') return undefined;
  const root = resolve(sweepDir);
  const inside = relative(root, resolve(root, runDir));
  if (isAbsolute(runDir) || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    problems.push(`trial ${trial}: its run directory "${runDir}" is not inside the sweep directory; it was not read`);
    return undefined;
  }
  return runDir;
}
