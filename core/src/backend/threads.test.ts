import { describe, expect, it } from 'vitest';
import { resolveThreads, threadsPerTrial } from './threads.js';

describe('resolveThreads', () => {
  it('defaults to every core', () => {
    expect(resolveThreads(undefined, 8, {})).toEqual({ threads: 8 });
  });

  it('takes a count up to the cores as it is', () => {
    expect(resolveThreads(3, 8, {})).toEqual({ threads: 3 });
    expect(resolveThreads(8, 8, {})).toEqual({ threads: 8 });
  });

  it('clamps a count above the cores, saying so', () => {
    expect(resolveThreads(12, 8, {})).toEqual({ threads: 8, warning: 'threads: 12 asked for, but this machine has 8 cores; using 8' });
  });

  it("keeps within a sweep's share of the cores", () => {
    const env = { DISTILL_THREADS_LIMIT: '2' };
    expect(resolveThreads(undefined, 8, env)).toEqual({ threads: 2 });
    expect(resolveThreads(1, 8, env)).toEqual({ threads: 1 });
    expect(resolveThreads(4, 8, env)).toEqual({
      threads: 2,
      warning: "threads: 4 asked for, but the sweep gives each of its concurrent trials 2 of this machine's 8 cores; using 2",
    });
  });

  it('ignores a share that is not a whole number of at least 1, and one above the cores', () => {
    expect(resolveThreads(undefined, 8, { DISTILL_THREADS_LIMIT: '0' })).toEqual({ threads: 8 });
    expect(resolveThreads(undefined, 8, { DISTILL_THREADS_LIMIT: 'x' })).toEqual({ threads: 8 });
    expect(resolveThreads(undefined, 8, { DISTILL_THREADS_LIMIT: '64' })).toEqual({ threads: 8 });
  });
});

describe('threadsPerTrial', () => {
  it('divides the cores between the trials at once, at least one each', () => {
    expect(threadsPerTrial(1, 8)).toBe(8);
    expect(threadsPerTrial(2, 8)).toBe(4);
    expect(threadsPerTrial(3, 8)).toBe(2);
    expect(threadsPerTrial(16, 8)).toBe(1);
  });
});
