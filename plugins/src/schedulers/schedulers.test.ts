import { describe, expect, it } from 'vitest';
import type { LearningRateSchedule, PluginDefinition, ScheduleContext } from '@distill/core';
import constant from './constant.js';
import step from './step.js';
import exponential from './exponential.js';
import cosine from './cosine.js';
import { buildPlugin } from '@distill/core';

// 10 epochs of 10 steps at a base rate of 0.1.
const context: ScheduleContext = { baseLearningRate: 0.1, stepsPerEpoch: 10, totalSteps: 100 };
const build = async (plugin: PluginDefinition<'scheduler'>, params: Record<string, unknown> = {}) => (await buildPlugin(plugin, params)) as LearningRateSchedule;
const rates = (schedule: LearningRateSchedule, steps: number[]) => steps.map((s) => schedule.learningRateAt(s, context));

describe('constant scheduler', () => {
  it('keeps the base rate', async () => {
    expect(rates(await build(constant), [0, 50, 99])).toEqual([0.1, 0.1, 0.1]);
  });

  it('warms up linearly over warmupSteps, then holds', async () => {
    const [r0, r1, r3, r4, r50] = rates(await build(constant, { warmupSteps: 4 }), [0, 1, 3, 4, 50]);
    expect(r0).toBeCloseTo(0.025, 10);
    expect(r1).toBeCloseTo(0.05, 10);
    expect([r3, r4, r50]).toEqual([0.1, 0.1, 0.1]);
  });

  it('counts warmupEpochs in epochs of stepsPerEpoch steps; warmupSteps takes precedence', async () => {
    const byEpochs = await build(constant, { warmupEpochs: 2 });
    expect(byEpochs.learningRateAt(9, context)).toBeCloseTo(0.05, 10);
    expect(byEpochs.learningRateAt(19, context)).toBeCloseTo(0.1, 10);
    const both = await build(constant, { warmupEpochs: 2, warmupSteps: 5 });
    expect(both.learningRateAt(4, context)).toBeCloseTo(0.1, 10);
  });
});

describe('step scheduler', () => {
  it('multiplies by gamma every stepEpochs epochs', async () => {
    const [a, b, c, d] = rates(await build(step, { stepEpochs: 3, gamma: 0.5 }), [0, 29, 30, 65]);
    expect(a).toBe(0.1);
    expect(b).toBe(0.1);
    expect(c).toBeCloseTo(0.05, 12);
    expect(d).toBeCloseTo(0.025, 12);
  });

  it('defaults to ÷10 every 10 epochs', async () => {
    const schedule = await build(step);
    expect(schedule.learningRateAt(99, context)).toBe(0.1);
    expect(schedule.learningRateAt(100, context)).toBeCloseTo(0.01, 12);
  });
});

describe('exponential scheduler', () => {
  it('multiplies by gamma once per epoch', async () => {
    const [a, b, c] = rates(await build(exponential, { gamma: 0.5 }), [9, 10, 25]);
    expect(a).toBe(0.1);
    expect(b).toBeCloseTo(0.05, 12);
    expect(c).toBeCloseTo(0.025, 12);
  });

  it('decays smoothly by gamma every decaySteps steps', async () => {
    const [a, b, c] = rates(await build(exponential, { gamma: 0.5, decaySteps: 4 }), [2, 4, 6]);
    expect(a).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(b).toBeCloseTo(0.05, 12);
    expect(c).toBeCloseTo(0.05 * Math.SQRT1_2, 12);
  });

  it('can warm up first', async () => {
    expect((await build(exponential, { warmupSteps: 2 })).learningRateAt(0, context)).toBeCloseTo(0.05, 12);
  });
});

describe('cosine scheduler', () => {
  it('anneals from the base rate to 0 along a half cosine', async () => {
    const [start, middle, end] = rates(await build(cosine), [0, 50, 100]);
    expect(start).toBeCloseTo(0.1, 12);
    expect(middle).toBeCloseTo(0.05, 12);
    expect(end).toBeCloseTo(0, 12);
  });

  it('anneals to minLearningRate', async () => {
    const schedule = await build(cosine, { minLearningRate: 0.02 });
    expect(schedule.learningRateAt(50, context)).toBeCloseTo(0.06, 12);
    expect(schedule.learningRateAt(100, context)).toBeCloseTo(0.02, 12);
  });

  it('warms up linearly from near 0, then anneals over the remaining steps', async () => {
    const schedule = await build(cosine, { warmupEpochs: 2 });
    expect(schedule.learningRateAt(0, context)).toBeCloseTo(0.1 / 20, 12);
    expect(schedule.learningRateAt(9, context)).toBeCloseTo(0.05, 12);
    expect(schedule.learningRateAt(20, context)).toBeCloseTo(0.1, 12);
    // 80 steps of annealing after 20 of warmup: half way at step 60
    expect(schedule.learningRateAt(60, context)).toBeCloseTo(0.05, 12);
    const all = Array.from({ length: 80 }, (_, i) => schedule.learningRateAt(20 + i, context));
    expect(all.every((r, i) => i === 0 || r < all[i - 1])).toBe(true);
  });
});
