import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded-random.js';
import { domainBounds, enumerateDomain, gridPoint, gridSize, quantize, sampleDomain } from './search-space.js';
import type { ParameterDomain, SweepParameterSpec } from './sweep-spec.js';

const range = (distribution: string, min: number, max: number, q = 1) => ({ kind: 'range', distribution, min, max, q }) as ParameterDomain & { kind: 'range' };
const param = (key: string, domain: ParameterDomain): SweepParameterSpec => ({ key, paths: [key.split('.')], domain });

function draws(domain: ParameterDomain, n = 4000, seed = 11): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => sampleDomain(domain, random) as number);
}

describe('grid enumeration', () => {
  const parameters = [
    param('a', { kind: 'values', values: [1, 2, 3] }),
    param('b', { kind: 'value', value: 'x' }),
    param('c', { kind: 'values', values: [[8], [16, 8]] }),
  ];

  it('is the cartesian product, the first parameter varying slowest', () => {
    expect(gridSize(parameters)).toBe(6);
    const points = Array.from({ length: 6 }, (_, i) => gridPoint(parameters, i));
    expect(points).toEqual([
      { a: 1, b: 'x', c: [8] },
      { a: 1, b: 'x', c: [16, 8] },
      { a: 2, b: 'x', c: [8] },
      { a: 2, b: 'x', c: [16, 8] },
      { a: 3, b: 'x', c: [8] },
      { a: 3, b: 'x', c: [16, 8] },
    ]);
  });

  it('enumerates int_uniform inclusively and q_uniform as the multiples of q inside the range', () => {
    expect(enumerateDomain(range('int_uniform', 2, 5))).toEqual([2, 3, 4, 5]);
    expect(enumerateDomain(range('q_uniform', 0.05, 0.32, 0.1))).toEqual([0.1, 0.2, 0.3]);
    expect(gridSize([param('n', range('int_uniform', 1, 3)), param('t', { kind: 'values', values: [1, 2] })])).toBe(6);
  });
});

describe('distributions', () => {
  it('uniform stays in [min, max] and covers it evenly', () => {
    const xs = draws(range('uniform', -2, 6));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThan(6);
    expect(xs.filter((x) => x < 2).length / xs.length).toBeCloseTo(0.5, 1);
  });

  it('log_uniform is uniform in log space: half the draws below the geometric mean', () => {
    const xs = draws(range('log_uniform', 1e-4, 1));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(xs.filter((x) => x < 1e-2).length / xs.length).toBeCloseTo(0.5, 1);
    expect(xs.filter((x) => x < 1e-3).length / xs.length).toBeCloseTo(0.25, 1);
  });

  it('int_uniform gives every integer of [min, max], both ends included, equally often', () => {
    const xs = draws(range('int_uniform', 3, 7));
    expect(xs.every(Number.isInteger)).toBe(true);
    expect([...new Set(xs)].sort()).toEqual([3, 4, 5, 6, 7]);
    for (const k of [3, 7]) expect(xs.filter((x) => x === k).length / xs.length).toBeCloseTo(0.2, 1);
  });

  it('q_uniform gives multiples of q within the range, written without float noise', () => {
    const xs = draws(range('q_uniform', 0.05, 0.52, 0.1));
    expect([...new Set(xs)].sort()).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('q_log_uniform gives multiples of q within the range, small values more often', () => {
    const xs = draws(range('q_log_uniform', 1, 1000, 5));
    expect(xs.every((x) => Number.isInteger(x / 5) && x >= 5 && x <= 1000)).toBe(true);
    expect(xs.filter((x) => x <= 30).length).toBeGreaterThan(xs.filter((x) => x > 500).length);
  });

  it('quantize never leaves the range, even when rounding would', () => {
    expect(quantize(0.04, { min: 0.05, max: 0.52, q: 0.1 })).toBe(0.1);
    expect(quantize(0.55, { min: 0.05, max: 0.52, q: 0.1 })).toBe(0.5);
    expect(domainBounds(range('q_uniform', 0.05, 0.52, 0.1))).toEqual([0.1, 0.5]);
    expect(domainBounds(range('log_uniform', 0.001, 0.1))).toEqual([0.001, 0.1]);
  });

  it('values and value', () => {
    expect(new Set(draws({ kind: 'values', values: ['a', 'b', 'c'] } as ParameterDomain, 300) as unknown[])).toEqual(new Set(['a', 'b', 'c']));
    expect(draws({ kind: 'value', value: 7 }, 5)).toEqual([7, 7, 7, 7, 7]);
  });
});
