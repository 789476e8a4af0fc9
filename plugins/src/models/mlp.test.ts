import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { BuildContext, DistillModel } from '@distill/core';
import mlp from './mlp.js';
import { buildPlugin } from '@distill/core';

const dataset = { inputShape: [20], numClasses: 5 };
const build = async (params: Record<string, unknown> = {}, context: Partial<BuildContext> = {}) =>
  (await buildPlugin(mlp, params, { dataset, role: 'student', ...context })) as DistillModel;

async function weightsOf(model: DistillModel): Promise<number[][]> {
  return Promise.all(model.model.getWeights().map(async (w) => Array.from(await w.data())));
}

describe('mlp model', () => {
  it('maps a batch to logits through hidden1, hidden2, …, logits with their widths', async () => {
    const { model, layers, pretrained } = await build({ hidden: [32, 16] });
    expect(layers).toEqual([
      { name: 'hidden1', width: 32 },
      { name: 'hidden2', width: 16 },
      { name: 'logits', width: 5 },
    ]);
    expect(pretrained).toBe(false);
    const out = model.predict(tf.zeros([3, 20])) as tf.Tensor;
    expect(out.shape).toEqual([3, 5]);
    expect(model.getLayer('logits').getConfig().activation).toBe('linear');
    model.dispose();
  });

  it('has one hidden layer of 128 ReLU units by default', async () => {
    const { model, layers } = await build();
    expect(layers.map((l) => `${l.name}:${l.width}`)).toEqual(['hidden1:128', 'logits:5']);
    expect(model.getLayer('hidden1').getConfig().activation).toBe('relu');
    model.dispose();
  });

  it('uses the activation and inserts dropout layers that are not feature layers', async () => {
    const { model, layers } = await build({ hidden: [8, 8], activation: 'tanh', dropout: 0.5 });
    expect(model.getLayer('hidden2').getConfig().activation).toBe('tanh');
    expect(model.layers.map((l) => l.name)).toContain('dropout2');
    expect(layers.map((l) => l.name)).toEqual(['hidden1', 'hidden2', 'logits']);
    model.dispose();
  });

  it('gives identical weights for the same seed and role, different ones for another role or seed', async () => {
    const a = await build({ hidden: [16] }, { seed: 5, role: 'student' });
    const b = await build({ hidden: [16] }, { seed: 5, role: 'student' });
    const teacher = await build({ hidden: [16] }, { seed: 5, role: 'teacher' });
    const otherSeed = await build({ hidden: [16] }, { seed: 6, role: 'student' });
    const [wa, wb, wt, ws] = await Promise.all([a, b, teacher, otherSeed].map(weightsOf));
    expect(wb).toEqual(wa);
    expect(wt[0]).not.toEqual(wa[0]);
    expect(ws[0]).not.toEqual(wa[0]);
    // the two kernels of one model are not copies of one stream either
    expect(wa[2].slice(0, 5)).not.toEqual(wa[0].slice(0, 5));
    for (const m of [a, b, teacher, otherSeed]) m.model.dispose();
  });

  it('flattens image-shaped inputs', async () => {
    const { model } = await build({ hidden: [4] }, { dataset: { inputShape: [4, 4, 1], numClasses: 3 } });
    expect((model.predict(tf.zeros([2, 4, 4, 1])) as tf.Tensor).shape).toEqual([2, 3]);
    model.dispose();
  });
});
