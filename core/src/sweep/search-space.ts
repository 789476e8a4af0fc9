// Sampling, enumerating and bounding a sweep's parameter domains. Pure: a seeded generator in, values out.
import type { SeededRandom } from '../random/seeded-random.js';
import type { Assignment, ParameterDomain, SweepParameterSpec } from './sweep-spec.js';

type RangeDomain = ParameterDomain & { kind: 'range' };

/** One value drawn from the domain. */
export function sampleDomain(domain: ParameterDomain, random: SeededRandom): unknown {
  if (domain.kind === 'value') return domain.value;
  if (domain.kind === 'values') return domain.values[random.int(domain.values.length)];
  return fromUnit(domain, random.next());
}

/** One value for every parameter, drawn in the parameters' order. */
export function sampleAssignment(parameters: readonly SweepParameterSpec[], random: SeededRandom): Assignment {
  return Object.fromEntries(parameters.map((p) => [p.key, sampleDomain(p.domain, random)]));
}

/** Maps u in [0, 1) to the range: uniform, log-uniform, integer or quantized. */
export function fromUnit(domain: RangeDomain, u: number): number {
  const { distribution, min, max, q } = domain;
  switch (distribution) {
    case 'uniform':
      return min + u * (max - min);
    case 'log_uniform':
      return Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
    case 'int_uniform':
      return Math.min(max, min + Math.floor(u * (max - min + 1)));
    case 'q_uniform':
      return quantize(min + u * (max - min), domain);
    case 'q_log_uniform':
      return quantize(Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))), domain);
  }
}

/** The nearest multiple of q that lies within [min, max] (rounding alone could leave the range). */
export function quantize(value: number, domain: Pick<RangeDomain, 'min' | 'max' | 'q'>): number {
  const { low, high } = multiplesRange(domain);
  const k = Math.min(high, Math.max(low, Math.round(value / domain.q)));
  return cleanFloat(k * domain.q);
}

/** The smallest and largest value the domain yields. */
export function domainBounds(domain: RangeDomain): [number, number] {
  if (domain.distribution === 'q_uniform' || domain.distribution === 'q_log_uniform') {
    const { low, high } = multiplesRange(domain);
    return [cleanFloat(low * domain.q), cleanFloat(high * domain.q)];
  }
  return [domain.min, domain.max];
}

/** Every value of a finite domain, in order. */
export function enumerateDomain(domain: ParameterDomain): unknown[] {
  if (domain.kind === 'value') return [domain.value];
  if (domain.kind === 'values') return [...domain.values];
  if (domain.distribution === 'int_uniform') return range(domain.min, domain.max).map((k) => k);
  if (domain.distribution === 'q_uniform') {
    const { low, high } = multiplesRange(domain);
    return range(low, high).map((k) => cleanFloat(k * domain.q));
  }
  throw new Error(`${domain.distribution} is continuous; it has no grid`);
}

/** How many points the grid has, without building it. */
export function gridSize(parameters: readonly SweepParameterSpec[]): number {
  return parameters.reduce((size, p) => size * enumerateDomain(p.domain).length, 1);
}

/** The grid point at `index`: the first parameter varies slowest, like nested loops in the order written. */
export function gridPoint(parameters: readonly SweepParameterSpec[], index: number): Assignment {
  const choices = parameters.map((p) => enumerateDomain(p.domain));
  const point: Record<string, unknown> = {};
  let rest = index;
  for (let i = parameters.length - 1; i >= 0; i--) {
    point[parameters[i].key] = choices[i][rest % choices[i].length];
    rest = Math.floor(rest / choices[i].length);
  }
  return Object.fromEntries(parameters.map((p) => [p.key, point[p.key]]));
}

function multiplesRange({ min, max, q }: Pick<RangeDomain, 'min' | 'max' | 'q'>): { low: number; high: number } {
  // The epsilon keeps 0.3 / 0.1 = 2.9999999999999996 from losing the multiple 3.
  return { low: Math.ceil(min / q - 1e-9), high: Math.floor(max / q + 1e-9) };
}

/** 3 * 0.1 is 0.30000000000000004; manifests and tables should read 0.3. */
function cleanFloat(value: number): number {
  return Number(value.toPrecision(12));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
