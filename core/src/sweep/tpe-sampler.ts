// Tree-structured Parzen Estimator (Bergstra et al., 2011), univariate as in Hyperopt: the finished trials are split
// into the best fraction gamma ("good") and the rest ("bad"); per parameter, a density l(x) is fitted to the good
// trials' values and g(x) to the bad ones' (Parzen estimators over the declared distribution, in log space for the
// log distributions; smoothed counts for `values`); candidates are drawn from l and the one with the highest
// l(x) / g(x) — the expected improvement under TPE's model — is proposed.
// With several objectives (or constraints) it is multi-objective TPE (Ozaki et al., 2020): the good trials are the
// best fronts of a constrained non-dominated sort (infeasible trials last), the last front cut by crowding distance
// (NSGA-II's tie-break) rather than by hypervolume contribution; the densities are the same.
import type { SeededRandom } from '../random/seeded-random.js';
import { ParzenEstimator } from './parzen-estimator.js';
import { domainBounds, quantize } from './search-space.js';
import type { Assignment, Goal, ParameterDomain, SweepParameterSpec, TpeSpec } from './sweep-spec.js';
import type { Observation } from './observation.js';
import { crowdingDistances, frontRanks } from './pareto.js';

type RangeDomain = ParameterDomain & { kind: 'range' };

export class TpeSampler {
  constructor(
    private readonly parameters: readonly SweepParameterSpec[],
    private readonly settings: TpeSpec,
    private readonly goal: Goal,
    /** Every objective's goal, for observations with several values. */
    private readonly goals: readonly Goal[] = [goal],
  ) {}

  propose(observations: readonly Observation[], random: SeededRandom): Assignment {
    const { good, bad } = this.split(observations);
    return Object.fromEntries(
      this.parameters.map((p) => [p.key, this.proposeValue(p.domain, good.map((o) => o.params[p.key]), bad.map((o) => o.params[p.key]), random)]),
    );
  }

  /** The best ceil(gamma · n) trials (at least one) are good. */
  split(observations: readonly Observation[]): { good: Observation[]; bad: Observation[] } {
    if (observations.some((o) => o.values !== undefined || o.feasible === false)) return this.splitByFronts(observations);
    const sign = this.goal === 'maximize' ? -1 : 1;
    const sorted = [...observations].sort((a, b) => sign * a.value - sign * b.value);
    const count = Math.max(1, Math.ceil(this.settings.gamma * sorted.length));
    return { good: sorted.slice(0, count), bad: sorted.slice(count) };
  }

  /** Constrained non-dominated sorting, crowding distance within a front; the first ceil(gamma · n) are good. */
  private splitByFronts(observations: readonly Observation[]): { good: Observation[]; bad: Observation[] } {
    const points = observations.map((o) => ({ values: o.values ?? [o.value], feasible: o.feasible ?? true }));
    const ranks = frontRanks(points, this.goals);
    const crowding = new Array<number>(observations.length).fill(0);
    for (const rank of new Set(ranks)) {
      const members = ranks.flatMap((r, i) => (r === rank ? [i] : []));
      crowdingDistances(members.map((i) => points[i].values)).forEach((d, k) => (crowding[members[k]] = d));
    }
    const order = observations.map((_, i) => i).sort((a, b) => ranks[a] - ranks[b] || crowding[b] - crowding[a] || a - b);
    const count = Math.max(1, Math.ceil(this.settings.gamma * observations.length));
    return { good: order.slice(0, count).map((i) => observations[i]), bad: order.slice(count).map((i) => observations[i]) };
  }

  private proposeValue(domain: ParameterDomain, good: unknown[], bad: unknown[], random: SeededRandom): unknown {
    if (domain.kind === 'value') return domain.value;
    if (domain.kind === 'values') return this.proposeChoice(domain.values, good, bad, random);
    return this.proposeNumber(domain, good as number[], bad as number[], random);
  }

  private proposeChoice(values: readonly unknown[], good: unknown[], bad: unknown[], random: SeededRandom): unknown {
    const keys = values.map((v) => JSON.stringify(v));
    const smoothed = (seen: unknown[]) => {
      const counts = keys.map((key) => seen.filter((v) => JSON.stringify(v) === key).length + 1);
      const total = counts.reduce((a, b) => a + b, 0);
      return counts.map((c) => c / total);
    };
    const l = smoothed(good);
    const g = smoothed(bad);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < this.settings.candidates; i++) {
      const candidate = drawIndex(l, random);
      const score = Math.log(l[candidate]) - Math.log(g[candidate]);
      if (score > bestScore) [best, bestScore] = [candidate, score];
    }
    return values[best];
  }

  private proposeNumber(domain: RangeDomain, good: number[], bad: number[], random: SeededRandom): number {
    const scale = internalScale(domain);
    const l = new ParzenEstimator(good.map(scale.to), scale.low, scale.high);
    const g = new ParzenEstimator(bad.map(scale.to), scale.low, scale.high);
    let best = domain.min;
    let bestScore = -Infinity;
    for (let i = 0; i < this.settings.candidates; i++) {
      const value = scale.snap(scale.from(l.sample(random)));
      const score = scale.step === 0
        ? l.logDensity(scale.to(value)) - g.logDensity(scale.to(value))
        : binScore(l, g, scale, value);
      if (score > bestScore) [best, bestScore] = [value, score];
    }
    return best;
  }
}

interface InternalScale {
  /** Value → the space the estimators live in (log for the log distributions). */
  to(value: number): number;
  from(internal: number): number;
  /** Onto the domain's grid (integers, multiples of q); identity for continuous ranges. */
  snap(value: number): number;
  readonly low: number;
  readonly high: number;
  /** Width of a quantized value's bin in value space; 0 for continuous ranges. */
  readonly step: number;
}

function internalScale(domain: RangeDomain): InternalScale {
  const log = domain.distribution === 'log_uniform' || domain.distribution === 'q_log_uniform';
  const to = log ? Math.log : (v: number) => v;
  const from = log ? Math.exp : (v: number) => v;
  const step = domain.distribution === 'int_uniform' ? 1 : domain.distribution.startsWith('q_') ? domain.q : 0;
  const [lowest, highest] = domainBounds(domain);
  const snap = step === 0 ? (v: number) => v
    : domain.distribution === 'int_uniform' ? (v: number) => Math.min(domain.max, Math.max(domain.min, Math.round(v)))
    : (v: number) => quantize(v, domain);
  return { to, from, snap, step, low: to(lowest - step / 2), high: to(highest + step / 2) };
}

function binScore(l: ParzenEstimator, g: ParzenEstimator, scale: InternalScale, value: number): number {
  const a = scale.to(value - scale.step / 2);
  const b = scale.to(value + scale.step / 2);
  return l.logMass(a, b) - g.logMass(a, b);
}

function drawIndex(probabilities: readonly number[], random: SeededRandom): number {
  const u = random.next();
  let cumulative = 0;
  for (let i = 0; i < probabilities.length; i++) {
    cumulative += probabilities[i];
    if (u < cumulative) return i;
  }
  return probabilities.length - 1;
}
