import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { UNLABELED, type DistillLoss, buildPlugin, lossInputs } from '@distill/core';
import crossEntropy from './cross-entropy.js';

const build = async (params: Record<string, unknown> = {}) => (await buildPlugin(crossEntropy, params)) as DistillLoss;

const logSoftmax = (z: number[]) => {
  const lse = Math.log(z.reduce((sum, v) => sum + Math.exp(v), 0));
  return z.map((v) => v - lse);
};

function batch(logits: number[][], labels: number[]) {
  return {
    studentLogits: tf.tensor2d(logits),
    labels: tf.tensor1d(labels, 'int32'),
    labelMask: tf.tensor1d(labels.map((y) => (y === UNLABELED ? 0 : 1))),
  };
}

describe('cross-entropy loss', () => {
  it('needs labels only', async () => {
    expect((await build()).requires).toEqual({ labels: true });
  });

  it('averages over the labelled samples only', async () => {
    const loss = await build();
    const logits = [[2, 1, 0], [0, 5, 0], [1, 1, 3]];
    const value = loss.compute(lossInputs(3, batch(logits, [0, UNLABELED, 2]))).dataSync()[0];
    expect(value).toBeCloseTo(-(logSoftmax(logits[0])[0] + logSoftmax(logits[2])[2]) / 2, 5);
  });

  it('gives 0 and a zero gradient, not NaN, for a batch without a labelled sample', async () => {
    const loss = await build();
    const { studentLogits, labels, labelMask } = batch([[1, 2], [3, 4]], [UNLABELED, UNLABELED]);
    const { value, grads } = tf.valueAndGrads((s: tf.Tensor) => loss.compute(lossInputs(2, { studentLogits: s as tf.Tensor2D, labels, labelMask })))([studentLogits]);
    expect(value.dataSync()[0]).toBe(0);
    expect(Array.from(grads[0].dataSync()).every((g) => g === 0)).toBe(true);
  });

  it('sends no gradient into the logits of unlabelled samples', async () => {
    const loss = await build();
    const { studentLogits, labels, labelMask } = batch([[1, 2], [3, 4]], [1, UNLABELED]);
    const [grad] = tf.grads((s: tf.Tensor) => loss.compute(lossInputs(2, { studentLogits: s as tf.Tensor2D, labels, labelMask })))([studentLogits]);
    const [g0, g1, g2, g3] = Array.from(grad.dataSync());
    expect(Math.abs(g0) + Math.abs(g1)).toBeGreaterThan(0.1);
    expect(g2 === 0 && g3 === 0).toBe(true);
  });

  it('smooths the targets as PyTorch does: (1 − ε)·one-hot + ε/classes', async () => {
    const loss = await build({ labelSmoothing: 0.1 });
    const logits = [0.5, -1, 2, 0];
    const target = [0.025, 0.025, 0.925, 0.025];
    const expected = -logSoftmax(logits).reduce((sum, l, c) => sum + target[c] * l, 0);
    expect(loss.compute(lossInputs(1, batch([logits], [2]))).dataSync()[0]).toBeCloseTo(expected, 5);
  });
});
