import { describe, expect, it } from 'vitest';
import { createEarlyStopper, hyperbandRule, isRung, medianRule, percentile, type MetricHistories } from './early-termination.js';

/** Trial number → values for epochs 1, 2, 3, … */
function histories(byTrial: Record<number, number[]>): MetricHistories {
  return new Map(Object.entries(byTrial).map(([trial, values]) => [Number(trial), new Map(values.map((v, i) => [i + 1, v] as [number, number]))]));
}

describe('median stopping rule', () => {
  const rule = medianRule({ minEpochs: 2, minTrials: 3 }, 'maximize');

  it('stops a trial whose best so far is below the median of the others\' best by the same epoch', () => {
    // Others' best by epoch 2: 0.70, 0.80, 0.90 -> median 0.80; trial 4's best is 0.65.
    const h = histories({ 1: [0.6, 0.7, 0.75], 2: [0.8, 0.75], 3: [0.85, 0.9], 4: [0.65, 0.6] });
    const decision = rule.judge(4, 2, h);
    expect(decision.stop).toBe(true);
    expect(decision.reason).toBe('median rule: best 0.65 by epoch 2 is worse than the median 0.8 of 3 other trials');
  });

  it('lets a trial at or above the median go on', () => {
    const h = histories({ 1: [0.6, 0.7], 2: [0.8, 0.75], 3: [0.85, 0.9], 4: [0.5, 0.8] });
    expect(rule.judge(4, 2, h).stop).toBe(false);
  });

  it('judges nothing before minEpochs, nor with fewer than minTrials others at that epoch', () => {
    expect(rule.judge(4, 1, histories({ 1: [0.9], 2: [0.9], 3: [0.9], 4: [0.1] })).stop).toBe(false);
    // Trial 3 has not reached epoch 2: only two others there.
    expect(rule.judge(4, 2, histories({ 1: [0.9, 0.9], 2: [0.9, 0.9], 3: [0.9], 4: [0.1, 0.1] })).stop).toBe(false);
  });

  it('minimizes when the goal says so', () => {
    const down = medianRule({ minEpochs: 1, minTrials: 2 }, 'minimize');
    expect(down.judge(3, 1, histories({ 1: [0.3], 2: [0.5], 3: [0.45] })).stop).toBe(true);
    expect(down.judge(3, 1, histories({ 1: [0.3], 2: [0.5], 3: [0.35] })).stop).toBe(false);
  });
});

describe('hyperband (asynchronous successive halving)', () => {
  const rule = hyperbandRule({ eta: 3, minIter: 1 }, 'maximize');

  it('has rungs at minIter · eta^k epochs', () => {
    expect([1, 2, 3, 4, 5, 9, 10, 27].filter((e) => isRung(e, { eta: 3, minIter: 1 }))).toEqual([1, 3, 9, 27]);
    expect([1, 2, 4, 8, 16].filter((e) => isRung(e, { eta: 2, minIter: 2 }))).toEqual([2, 4, 8, 16]);
  });

  it('stops a trial outside the top 1/eta of the values the earlier trials had at the rung', () => {
    // At epoch 3 the others had 0.5, 0.6, 0.7, 0.8: the 66.7th percentile is 0.7.
    const h = histories({ 1: [0.3, 0.4, 0.5], 2: [0.4, 0.5, 0.6], 3: [0.5, 0.6, 0.7], 4: [0.6, 0.7, 0.8], 5: [0.9, 0.9, 0.69] });
    const decision = rule.judge(5, 3, h);
    expect(decision.stop).toBe(true);
    expect(decision.reason).toBe('hyperband: 0.69 at epoch 3 is outside the top 1/3 of 4 trials (cutoff 0.7)');
    expect(rule.judge(5, 3, histories({ 1: [0, 0, 0.5], 2: [0, 0, 0.6], 3: [0, 0, 0.7], 4: [0, 0, 0.8], 5: [0, 0, 0.7] })).stop).toBe(false);
  });

  it('judges only at rungs, and lets the first trial to reach a rung through', () => {
    const h = histories({ 1: [0.9, 0.9], 2: [0.1, 0.1] });
    expect(rule.judge(2, 2, h).stop).toBe(false);
    expect(rule.judge(2, 1, h).stop).toBe(true);
    expect(rule.judge(1, 1, histories({ 1: [0.1] })).stop).toBe(false);
  });
});

describe('no early termination', () => {
  it('never stops', () => {
    expect(createEarlyStopper(undefined, 'maximize').judge(2, 1, histories({ 1: [1], 2: [0] })).stop).toBe(false);
  });
});

describe('percentile', () => {
  it('interpolates between closest ranks like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0.5, 0.6, 0.7, 0.8], 100 * (2 / 3))).toBeCloseTo(0.7, 10);
    expect(percentile([5], 90)).toBe(5);
  });
});
