// Magnitude pruning: the polynomial schedule, masks that survive Adam's updates, per-layer and global thresholds.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/select-backend.js';
import { MagnitudePruner, isUpdateStep, pruningSchedule, targetSparsity, withPruning } from './pruning.js';
import type { StageState } from './train-stage.js';
import type { MetricPoint } from '../plugins/tracker-plugin.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the polynomial schedule', () => {
  const schedule = { initialSparsity: 0.1, finalSparsity: 0.9, startStep: 10, endStep: 110, frequency: 25, power: 3 };

  it('goes from the initial to the final sparsity as final + (initial - final)(1 - t)^3', () => {
    expect(targetSparsity(schedule, 0)).toBe(0.1);
    expect(targetSparsity(schedule, 10)).toBe(0.1);
    // t = 0.5: 0.9 - 0.8 · 0.125 = 0.8
    expect(targetSparsity(schedule, 60)).toBeCloseTo(0.8, 12);
    // t = 0.25: 0.9 - 0.8 · 0.421875 = 0.5625
    expect(targetSparsity(schedule, 35)).toBeCloseTo(0.5625, 12);
    expect(targetSparsity(schedule, 110)).toBe(0.9);
    expect(targetSparsity(schedule, 500)).toBe(0.9);
  });

  it('updates the masks every `frequency` steps from the start, and at the end step', () => {
    const updates = Array.from({ length: 200 }, (_, step) => step).filter((step) => isUpdateStep(schedule, step));
    expect(updates).toEqual([10, 35, 60, 85, 110]);
  });

  it('counts epochs in steps, ending one epoch before the end of training by default', () => {
    expect(pruningSchedule({ finalSparsity: 0.5 }, 6, 100)).toEqual({ initialSparsity: 0, finalSparsity: 0.5, startStep: 0, endStep: 499, frequency: 50, power: 3 });
    expect(pruningSchedule({ finalSparsity: 0.5, startEpoch: 0.5, endEpoch: 2, frequency: 10, power: 1 }, 6, 100)).toMatchObject({ startStep: 50, endStep: 199, frequency: 10, power: 1 });
  });
});

/** Two dense layers with different weight scales, trained on random data with Adam. */
function setup() {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [20], units: 16, name: 'hidden', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 1 }) }),
      tf.layers.dense({ units: 4, name: 'out', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: 2 }) })],
  });
  const x = tf.randomNormal([32, 20], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
  const optimizer = tf.train.adam(0.05);
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
  const zeros = (layer: string) => {
    const values = model.getLayer(layer).getWeights()[0].dataSync();
    return values.filter((v) => v === 0).length / values.length;
  };
  const dispose = () => {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  };
  return { model, step, zeros, dispose };
}

// The state the trainer hands afterStep once step `step` (from 0) is done: `step + 1` steps counted.
const state = (step: number, model: tf.LayersModel): StageState =>
  ({ stage: 'student', model: { model, layers: [], pretrained: false }, step: step + 1, epoch: Math.floor(step / 10), stepsPerEpoch: 10, totalSteps: 60 }) as unknown as StageState;

describe('MagnitudePruner', () => {
  it('reaches the sparsity in every kernel and keeps pruned weights at zero through Adam updates', () => {
    const { model, step, zeros, dispose } = setup();
    const pruner = new MagnitudePruner(model, { finalSparsity: 0.75, startEpoch: 1, endEpoch: 3, frequency: 5 }, 6);
    const pruned: number[][] = [];
    for (let s = 0; s < 60; s++) {
      step();
      pruner.afterStep(state(s, model));
      if (s === 29) pruned.push(...['hidden', 'out'].map((l) => Array.from(model.getLayer(l).getWeights()[0].dataSync()).flatMap((v, i) => (v === 0 ? [i] : []))));
    }
    expect(zeros('hidden')).toBeCloseTo(0.75, 2);
    expect(zeros('out')).toBeCloseTo(0.75, 2);
    // After the schedule ended (step 29), 30 more Adam steps: every weight pruned then is still exactly zero.
    for (const [i, layer] of ['hidden', 'out'].entries()) {
      const values = model.getLayer(layer).getWeights()[0].dataSync();
      expect(pruned[i].every((index) => values[index] === 0)).toBe(true);
    }
    // Biases are never pruned.
    expect(Array.from(model.getLayer('hidden').getWeights()[1].dataSync()).some((v) => v === 0)).toBe(false);
    pruner.dispose();
    dispose();
  });

  it('with scope global, one threshold: the layer of small weights loses far more than the one of large weights', () => {
    const { model, step, zeros, dispose } = setup();
    const pruner = new MagnitudePruner(model, { finalSparsity: 0.5, endEpoch: 1, frequency: 1, scope: 'global' }, 2);
    for (let s = 0; s < 10; s++) {
      step();
      pruner.afterStep(state(s, model));
    }
    const total = (zeros('hidden') * 320 + zeros('out') * 64) / 384;
    expect(total).toBeCloseTo(0.5, 2);
    expect(zeros('out')).toBeGreaterThan(0.95);
    expect(zeros('hidden')).toBeLessThan(0.45);
    pruner.dispose();
    dispose();
  });

  it('as stage hooks: logs the sparsity reached per layer on update steps and frees its masks after the last step', async () => {
    const { model, step, dispose } = setup();
    const points: MetricPoint[] = [];
    const hooks = withPruning({ metrics: async (p) => void points.push(...p) }, model, { finalSparsity: 0.5, layers: ['hidden'], frequency: 20 }, 6);
    step(); // Adam's slot variables exist from its first step on
    const before = tf.memory().numTensors;
    for (let s = 0; s < 60; s++) {
      if (s > 0) step();
      await hooks.afterStep!(state(s, model));
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    expect([...new Set(points.map((p) => p.key))].sort()).toEqual(['student/pruning/target', 'student/sparsity', 'student/sparsity/hidden']);
    expect(points.filter((p) => p.key === 'student/sparsity/hidden').map((p) => p.step)).toEqual([0, 20, 40, 49]);
    expect(points.find((p) => p.key === 'student/sparsity/hidden' && p.step === 49)!.value).toBeCloseTo(0.5, 2);
    dispose();
  });
  it('hands out its masks for a checkpoint and takes them back: between updates it applies the masks it was given', () => {
    const { model, step, dispose } = setup();
    const other = setup();
    const settings = { finalSparsity: 0.75, startEpoch: 0, endEpoch: 3, frequency: 4 };
    const a = new MagnitudePruner(model, settings, 6);
    const b = new MagnitudePruner(other.model, settings, 6);
    expect(a.masks()).toEqual([]);
    for (let s = 0; s < 6; s++) {
      step();
      a.afterStep(state(s, model));
    }
    const masks = a.masks();
    expect(masks.map((m) => m.name)).toEqual(['pruning/hidden', 'pruning/out']);
    const before = tf.memory().numTensors;
    b.restoreMasks(new Map(masks.map((m) => [m.name, m.tensor])));
    expect(tf.memory().numTensors).toBe(before + 2);
    // Step 6 is no update step (4, 8, …): the other model's dense weights get exactly the restored masks' zeros.
    b.afterStep(state(6, other.model));
    for (const [i, layer] of ['hidden', 'out'].entries()) {
      const mask = Array.from(masks[i].tensor.dataSync());
      const weights = Array.from(other.model.getLayer(layer).getWeights()[0].dataSync());
      expect(weights.map((w) => (w === 0 ? 0 : 1))).toEqual(mask);
      expect(mask.filter((m) => m === 0).length).toBeGreaterThan(0);
    }
    // A mask of another shape is refused.
    const wrong = tf.zeros([3, 3]);
    expect(() => b.restoreMasks(new Map([['pruning/out', wrong]]))).toThrow(/pruning mask of layer out has shape \[3, 3\], the layer's kernel \[16, 4\]/);
    wrong.dispose();
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
    dispose();
    other.dispose();
  });
});
