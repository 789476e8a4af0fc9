import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { DistillOptimizer, PluginDefinition } from '@distill/core';
import adam from './adam.js';
import sgd from './sgd.js';
import rmsprop from './rmsprop.js';
import { buildPlugin, validatedParams } from '@distill/core';

const build = async (plugin: PluginDefinition<'optimizer'>, params: Record<string, unknown> = {}) => (await buildPlugin(plugin, params)) as DistillOptimizer;

/** The change one step makes to w = [1, -2, 3] under loss Σ w², with the rate set to `rate` (or left as built). */
async function firstUpdate(plugin: PluginDefinition<'optimizer'>, params: Record<string, unknown>, rate?: number): Promise<number[]> {
  const distill = await build(plugin, params);
  if (rate !== undefined) distill.setLearningRate(rate);
  const w = tf.variable(tf.tensor1d([1, -2, 3]));
  const before = Array.from(w.dataSync());
  distill.optimizer.minimize(() => w.square().sum() as tf.Scalar, false, [w]);
  const after = Array.from(w.dataSync());
  w.dispose();
  distill.dispose();
  return before.map((b, i) => b - after[i]);
}

const cases: [string, PluginDefinition<'optimizer'>, Record<string, unknown>][] = [
  ['adam', adam, {}],
  ['sgd', sgd, {}],
  ['sgd with momentum', sgd, { momentum: 0.9 }],
  ['sgd with Nesterov momentum', sgd, { momentum: 0.9, nesterov: true }],
  ['rmsprop', rmsprop, {}],
  ['centered rmsprop with momentum', rmsprop, { centered: true, momentum: 0.5 }],
];

describe('optimizers', () => {
  it('start from the documented default learning rates', async () => {
    expect((await build(adam)).baseLearningRate).toBe(0.001);
    expect((await build(sgd)).baseLearningRate).toBe(0.01);
    expect((await build(rmsprop)).baseLearningRate).toBe(0.001);
    expect((await build(sgd, { learningRate: 0.3 })).baseLearningRate).toBe(0.3);
  });

  it('build plain SGD without momentum and tfjs momentum with it', async () => {
    expect((await build(sgd)).optimizer.getClassName()).toBe('SGD');
    expect((await build(sgd, { momentum: 0.9 })).optimizer.getClassName()).toBe('Momentum');
    expect((await build(adam)).optimizer.getClassName()).toBe('Adam');
    expect((await build(rmsprop)).optimizer.getClassName()).toBe('RMSProp');
  });

  it.each(cases)('%s: setLearningRate really changes the step size', async (_, plugin, params) => {
    const base = await firstUpdate(plugin, params);
    const doubled = await firstUpdate(plugin, params, 2 * (validatedParams(plugin, params).learningRate as number));
    expect(base.every((u) => Math.abs(u) > 1e-5)).toBe(true);
    // float32 rounding of w − update limits the ratio to about 1e-4 here
    doubled.forEach((u, i) => expect(u / base[i]).toBeCloseTo(2, 3));
  });

  it('changes the rate of later steps, not only the first one', async () => {
    const distill = await build(sgd, { learningRate: 0.1 });
    const w = tf.variable(tf.scalar(1));
    const step = () => distill.optimizer.minimize(() => w.square() as tf.Scalar, false, [w]);
    step(); // w = 1 - 0.1·2 = 0.8
    distill.setLearningRate(0.5);
    step(); // w = 0.8 - 0.5·1.6 = 0
    expect(w.dataSync()[0]).toBeCloseTo(0, 6);
    w.dispose();
    distill.dispose();
  });

  it('leaks no tensor when the rate changes at every step', async () => {
    const distill = await build(sgd, { momentum: 0.5 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) distill.setLearningRate(0.01 * (i + 1));
    expect(tf.memory().numTensors).toBe(before);
    distill.dispose();
  });

  it('flags Nesterov without momentum in the semantic check', async () => {
    const context = { teacher: () => Promise.reject(new Error('unused')), student: () => Promise.reject(new Error('unused')), dataset: () => Promise.reject(new Error('unused')) };
    expect(await sgd.check!(validatedParams(sgd, { nesterov: true }) as never, context)).toEqual([
      { pointer: '/nesterov', message: 'Nesterov momentum needs momentum > 0', hint: 'set "momentum", e.g. 0.9' },
    ]);
    expect(await sgd.check!(validatedParams(sgd, { nesterov: true, momentum: 0.9 }) as never, context)).toEqual([]);
  });
});
