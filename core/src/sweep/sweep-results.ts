// The sweep's results as ranked entries: one per trial, or, with `repeats`, one per configuration with the mean and
// standard deviation of its runs. Entries are ordered by constrained Pareto front (see pareto.ts), then by the first
// objective; with one objective and no constraint this is simply the metric's order. Trials without every objective
// (failed, killed, not measured) are not ranked.
import type { Assignment, Goal } from './sweep-spec.js';
import type { SweepRecord, TrialRecord } from './sweep-record.js';
import { frontRanks } from './pareto.js';
import { satisfies } from './objectives.js';

export interface RankedEntry {
  /** The trials it stands for (one, or the runs of a configuration). */
  readonly trials: readonly number[];
  readonly params: Assignment;
  /** Per objective: the value (the mean of the runs), or null when not measured. */
  readonly values: readonly (number | null)[];
  /** Per objective: the standard deviation over the runs (0 for one run). */
  readonly std: readonly number[];
  readonly feasible: boolean;
  /** The front it is on (0: the Pareto front); undefined when unranked. */
  readonly front?: number;
}

const ENDED: ReadonlySet<TrialRecord['status']> = new Set(['finished', 'stopped']);

export function objectivesOf(record: Pick<SweepRecord, 'spec'>): { names: string[]; goals: Goal[] } {
  const objectives = record.spec.metrics ?? [record.spec.metric];
  return { names: objectives.map((o) => o.name), goals: objectives.map((o) => o.goal) };
}

/** Ranked entries, best first; unranked ones (a missing value) last, in trial order. */
export function rankedEntries(record: Pick<SweepRecord, 'spec' | 'trials'>): RankedEntry[] {
  const { names, goals } = objectivesOf(record);
  const constraints = record.spec.constraints ?? [];
  const grouped = new Map<number, TrialRecord[]>();
  for (const trial of record.trials.filter((t) => ENDED.has(t.status))) {
    const key = (record.spec.repeats ?? 1) > 1 ? trial.config ?? trial.trial : trial.trial;
    grouped.set(key, [...(grouped.get(key) ?? []), trial]);
  }
  const entries = [...grouped.values()].map((trials): RankedEntry => {
    const stats = names.map((name) => meanStd(trials.map((t) => valueOf(t, name, record.spec.metric.name))));
    const feasible = constraints.every((c) => satisfies(c, meanStd(trials.map((t) => valueOf(t, c.metric, record.spec.metric.name))).mean));
    return { trials: trials.map((t) => t.trial), params: trials[0].params, values: stats.map((s) => s.mean), std: stats.map((s) => s.std), feasible };
  });
  const ranked = entries.filter((e) => e.values.every((v) => v !== null));
  const fronts = frontRanks(ranked.map((e) => ({ values: e.values as number[], feasible: e.feasible })), goals);
  const sign = goals[0] === 'maximize' ? -1 : 1;
  const withFronts = ranked
    .map((entry, i) => ({ ...entry, front: fronts[i] }))
    .sort((a, b) => a.front - b.front || sign * ((a.values[0] as number) - (b.values[0] as number)) || a.trials[0] - b.trials[0]);
  const unranked = entries.filter((e) => e.values.some((v) => v === null)).sort((a, b) => a.trials[0] - b.trials[0]);
  return [...withFronts, ...unranked];
}

/** Trial numbers on the Pareto front of the feasible entries. */
export function paretoTrials(record: Pick<SweepRecord, 'spec' | 'trials'>): number[] {
  return rankedEntries(record)
    .filter((e) => e.front === 0 && e.feasible)
    .flatMap((e) => e.trials)
    .sort((a, b) => a - b);
}

/** Whether the sweep needs more than one number per trial to rank (several objectives, constraints or repeats). */
export function isMultiObjective(record: Pick<SweepRecord, 'spec'>): boolean {
  return (record.spec.metrics?.length ?? 1) > 1 || (record.spec.constraints?.length ?? 0) > 0 || (record.spec.repeats ?? 1) > 1;
}

function valueOf(trial: TrialRecord, name: string, primary: string): number | null {
  const value = trial.metrics?.[name] ?? (name === primary ? trial.metric : undefined);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Mean and sample standard deviation (n - 1; 0 for one value); null mean when any value is missing. */
export function meanStd(values: readonly (number | null)[]): { mean: number | null; std: number } {
  if (values.length === 0 || values.some((v) => v === null)) return { mean: null, std: 0 };
  const numbers = values as number[];
  const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
  const variance = numbers.length > 1 ? numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}
