// The density TPE models with: Hyperopt's adaptive Parzen estimator on an interval. One truncated normal per
// observation, centred on it, as wide as the larger gap to its neighbours (clipped to [range / min(100, n + 1), range]),
// plus a prior component (centre of the interval, as wide as it) so that unexplored regions keep some mass.
import type { SeededRandom } from '../random/seeded-random.js';

export class ParzenEstimator {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly logWeights: number[];
  private readonly logNormalizers: number[];

  constructor(
    observations: readonly number[],
    readonly low: number,
    readonly high: number,
    priorWeight = 1,
  ) {
    const span = high - low;
    const prior = (low + high) / 2;
    const points = [...observations.map((mu) => ({ mu, prior: false })), { mu: prior, prior: true }].sort((a, b) => a.mu - b.mu);
    const minSigma = span / Math.min(100, observations.length + 1);
    this.mus = points.map((p) => p.mu);
    this.sigmas = points.map((p, i) => {
      if (p.prior) return span;
      const left = i > 0 ? p.mu - points[i - 1].mu : 0;
      const right = i < points.length - 1 ? points[i + 1].mu - p.mu : 0;
      return Math.min(span, Math.max(minSigma, left, right));
    });
    const total = observations.length + priorWeight;
    this.logWeights = points.map((p) => Math.log((p.prior ? priorWeight : 1) / total));
    this.logNormalizers = this.mus.map((mu, i) => Math.log(normalCdf((high - mu) / this.sigmas[i]) - normalCdf((low - mu) / this.sigmas[i])));
  }

  /** A draw from the mixture, within [low, high]. */
  sample(random: SeededRandom): number {
    const u = random.next();
    let component = this.mus.length - 1;
    for (let i = 0, cumulative = 0; i < this.mus.length; i++) {
      cumulative += Math.exp(this.logWeights[i]);
      if (u < cumulative) {
        component = i;
        break;
      }
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const x = this.mus[component] + this.sigmas[component] * random.normal();
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, this.mus[component]));
  }

  /** log of the mixture's density at x. */
  logDensity(x: number): number {
    return logSumExp(this.mus.map((mu, i) => {
      const z = (x - mu) / this.sigmas[i];
      return this.logWeights[i] - 0.5 * z * z - Math.log(this.sigmas[i] * Math.sqrt(2 * Math.PI)) - this.logNormalizers[i];
    }));
  }

  /** log of the mixture's mass on [a, b] (quantized values occupy a bin, not a point). */
  logMass(a: number, b: number): number {
    return logSumExp(this.mus.map((mu, i) => {
      const mass = normalCdf((b - mu) / this.sigmas[i]) - normalCdf((a - mu) / this.sigmas[i]);
      return this.logWeights[i] + Math.log(Math.max(mass, 1e-300)) - this.logNormalizers[i];
    }));
  }
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), ample for comparing densities. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-x * x));
}
