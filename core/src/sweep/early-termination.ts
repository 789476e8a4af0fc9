// Early termination: after each epoch a running trial reports the sweep metric, and a rule decides from every trial's
// history whether it is worth finishing. Pure, so the same rule serves local and distributed sweeps.
//   median    (Vizier's median stopping rule, as Optuna's MedianPruner applies it): from `minEpochs` on, stop a trial
//             whose best value so far is worse than the median of the other trials' best values by the same epoch,
//             once at least `minTrials` other trials have reached that epoch.
//   hyperband (asynchronous successive halving, the stopping form of Hyperband that W&B and Ray Tune use): rungs
//             at epochs minIter·eta^k; a trial reaching a rung is stopped when its value there is outside the top
//             1/eta of the values the trials that reached the rung before it had there.
import type { EarlyTerminateSpec, Goal } from './sweep-spec.js';

/** Per trial, the metric after each epoch it reported (epochs counted from 1). */
export type MetricHistories = ReadonlyMap<number, ReadonlyMap<number, number>>;

export interface StopDecision {
  readonly stop: boolean;
  /** Why, in one line, when stopping. */
  readonly reason?: string;
}

export interface EarlyStopper {
  /** Judges `trial`, whose history already holds its value for `epoch`. */
  judge(trial: number, epoch: number, histories: MetricHistories): StopDecision;
}

const CONTINUE: StopDecision = { stop: false };

export function createEarlyStopper(spec: EarlyTerminateSpec | undefined, goal: Goal): EarlyStopper {
  if (!spec) return { judge: () => CONTINUE };
  return spec.type === 'median' ? medianRule(spec, goal) : hyperbandRule(spec, goal);
}

export function medianRule(spec: { minEpochs: number; minTrials: number }, goal: Goal): EarlyStopper {
  return {
    judge(trial, epoch, histories) {
      if (epoch < spec.minEpochs) return CONTINUE;
      const own = bestUpTo(histories.get(trial), epoch, goal);
      if (own === undefined) return CONTINUE;
      const others = [...histories].filter(([id, history]) => id !== trial && history.has(epoch)).map(([, history]) => bestUpTo(history, epoch, goal)!);
      if (others.length < spec.minTrials) return CONTINUE;
      const median = percentile(others, 50);
      if (!isWorse(own, median, goal)) return CONTINUE;
      return { stop: true, reason: `median rule: best ${format(own)} by epoch ${epoch} is worse than the median ${format(median)} of ${trials(others.length, 'other trial')}` };
    },
  };
}

export function hyperbandRule(spec: { eta: number; minIter: number }, goal: Goal): EarlyStopper {
  return {
    judge(trial, epoch, histories) {
      if (!isRung(epoch, spec)) return CONTINUE;
      const value = histories.get(trial)?.get(epoch);
      if (value === undefined) return CONTINUE;
      const others = [...histories].filter(([id, history]) => id !== trial && history.has(epoch)).map(([, history]) => history.get(epoch)!);
      if (others.length === 0) return CONTINUE;
      const cutoff = percentile(others, goal === 'maximize' ? 100 * (1 - 1 / spec.eta) : 100 / spec.eta);
      if (!isWorse(value, cutoff, goal)) return CONTINUE;
      return { stop: true, reason: `hyperband: ${format(value)} at epoch ${epoch} is outside the top 1/${spec.eta} of ${trials(others.length, 'trial')} (cutoff ${format(cutoff)})` };
    },
  };
}

/** Rungs are at minIter · eta^k epochs, rounded. */
export function isRung(epoch: number, spec: { eta: number; minIter: number }): boolean {
  for (let k = 0, rung = spec.minIter; rung <= epoch; k++, rung = Math.round(spec.minIter * spec.eta ** k)) {
    if (rung === epoch) return true;
  }
  return false;
}

function bestUpTo(history: ReadonlyMap<number, number> | undefined, epoch: number, goal: Goal): number | undefined {
  let best: number | undefined;
  for (const [e, value] of history ?? []) {
    if (e <= epoch && Number.isFinite(value) && (best === undefined || isWorse(best, value, goal))) best = value;
  }
  return best;
}

function isWorse(value: number, than: number, goal: Goal): boolean {
  return goal === 'maximize' ? value < than : value > than;
}

/** Linear interpolation between closest ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

function trials(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function format(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
