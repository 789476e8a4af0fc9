// The fused optimizers against tfjs's own (tf.train.*) over several steps, on wasm (fused kernels) and on cpu (tfjs's
// ops): same weights and same slots, to 1e-6; their state saved by getWeights() restores into the other.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@distill/core/backend';
import { FusedAdamOptimizer, FusedMomentumOptimizer, FusedRMSPropOptimizer } from './fused-optimizers.js';

const STEPS = 5;
const TOLERANCE = 1e-6;

interface Case {
  name: string;
  kernel: string;
  fused: () => tf.Optimizer;
  stock: () => tf.Optimizer;
}

const cases: Case[] = [
  { name: 'adam', kernel: 'DistillFusedAdam', fused: () => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7), stock: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7) },
  { name: 'adam (β 0.8 / 0.95, ε 1e-3)', kernel: 'DistillFusedAdam', fused: () => new FusedAdamOptimizer(0.05, 0.8, 0.95, 1e-3), stock: () => tf.train.adam(0.05, 0.8, 0.95, 1e-3) },
  { name: 'momentum', kernel: 'DistillFusedMomentum', fused: () => new FusedMomentumOptimizer(0.05, 0.9), stock: () => tf.train.momentum(0.05, 0.9) },
  { name: 'Nesterov momentum', kernel: 'DistillFusedMomentum', fused: () => new FusedMomentumOptimizer(0.05, 0.7, true), stock: () => tf.train.momentum(0.05, 0.7, true) },
  { name: 'rmsprop', kernel: 'DistillFusedRMSProp', fused: () => new FusedRMSPropOptimizer(0.01, 0.9, 0, 1e-7), stock: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7) },
  { name: 'rmsprop with momentum', kernel: 'DistillFusedRMSProp', fused: () => new FusedRMSPropOptimizer(0.01, 0.8, 0.5, 1e-6), stock: () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6) },
  { name: 'centered rmsprop', kernel: 'DistillFusedRMSProp', fused: () => new FusedRMSPropOptimizer(0.01, 0.9, 0.3, 1e-10, true), stock: () => tf.train.rmsprop(0.01, 0.9, 0.3, 1e-10, true) },
];

/** A two-layer model's weights (sizes not multiples of 4, so the kernels' scalar tails run too) and a fixed batch. */
function problem(start?: Float32Array[]) {
  const init = (shape: number[], seed: number) =>
    tf.variable(start ? tf.tensor(start[seed - 1], shape) : tf.randomNormal(shape, 0, 0.5, 'float32', seed));
  const weights = [init([23, 13], 1), init([13], 2), init([13, 5], 3), init([5], 4)];
  const x = tf.randomNormal([16, 23], 0, 1, 'float32', 5);
  const target = tf.randomNormal([16, 5], 0, 1, 'float32', 6);
  const loss = () =>
    tf.tidy(() => {
      const hidden = tf.tanh(tf.add(tf.matMul(x, weights[0]), weights[1]));
      return tf.losses.meanSquaredError(target, tf.add(tf.matMul(hidden, weights[2]), weights[3])) as tf.Scalar;
    });
  return { weights, loss, dispose: () => tf.dispose([...weights, x, target]) };
}

interface Trained {
  values: Float32Array[];
  saved: { name: string; values: Float32Array; shape: number[] }[];
}

/**
 * Trains `steps` steps, from the weights and optimizer state of `from` if given, and returns the weights, the
 * optimizer's state (getWeights()) and the kernels it ran.
 */
async function train(make: () => tf.Optimizer, steps: number, from?: Trained) {
  const { weights, loss, dispose } = problem(from?.values);
  const optimizer = make();
  if (from && from.saved.length > 0) await optimizer.setWeights(from.saved.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape) })));
  const kernels = new Set<string>();
  for (let step = 0; step < steps; step++) {
    const profile = await tf.profile(() => {
      tf.dispose(optimizer.minimize(loss, false, weights));
    });
    profile.kernelNames.forEach((name) => kernels.add(name));
  }
  const saved = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, values: Float32Array.from(tensor.dataSync()), shape: tensor.shape }));
  const values = weights.map((w) => Float32Array.from(w.dataSync()));
  optimizer.dispose();
  dispose();
  return { values, saved, kernels };
}

/** The largest |a − b| over all elements; NaN in one only counts as infinitely different, NaN in both as equal. */
const maxDifference = (a: Float32Array[], b: Float32Array[]) =>
  Math.max(...a.map((values, i) => Math.max(...Array.from(values, (v, j) => (Number.isNaN(v) && Number.isNaN(b[i][j]) ? 0 : Number.isNaN(v - b[i][j]) ? Infinity : Math.abs(v - b[i][j]))))));

describe.each(['wasm', 'cpu'])('fused optimizers on %s', (backend) => {
  beforeAll(async () => {
    await initBackend('wasm');
    await tf.setBackend(backend);
  });

  it.each(cases)('$name: the same weights and slots as tfjs after several steps', async ({ fused, stock, kernel }) => {
    const mine = await train(fused, STEPS);
    const reference = await train(stock, STEPS);
    // The fused kernel runs on wasm only; cpu takes tfjs's ops.
    expect(mine.kernels.has(kernel)).toBe(backend === 'wasm');
    expect(reference.kernels.has(kernel)).toBe(false);
    expect(maxDifference(mine.values, reference.values)).toBeLessThanOrEqual(TOLERANCE);
    const slotNames = (t: Trained) => t.saved.map((s) => s.name.replace(/^\d+/, "<variable>"));
    expect(slotNames(mine)).toEqual(slotNames(reference));
    expect(maxDifference(mine.saved.map((s) => s.values), reference.saved.map((s) => s.values))).toBeLessThanOrEqual(TOLERANCE);
    // and the weights did move, to finite values
    expect(mine.values.every((values) => values.every(Number.isFinite))).toBe(true);
    const start = await train(stock, 0);
    expect(maxDifference(mine.values, start.values)).toBeGreaterThan(1e-3);
  });

  it.each(cases)('$name: state saved by getWeights() resumes in either optimizer as an uninterrupted run', async ({ fused, stock }) => {
    const uninterrupted = await train(stock, STEPS);
    const firstPart = await train(fused, 3);
    expect(firstPart.saved.length).toBeGreaterThan(1); // the iteration count and the slots
    for (const make of [fused, stock]) {
      const resumed = await train(make, STEPS - 3, firstPart);
      expect(maxDifference(resumed.values, uninterrupted.values)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxDifference(resumed.saved.map((s) => s.values), uninterrupted.saved.map((s) => s.values))).toBeLessThanOrEqual(TOLERANCE);
    }
    // the state matters: without it, the continuation differs
    const fresh = await train(stock, STEPS - 3, { values: firstPart.values, saved: [] });
    expect(maxDifference(fresh.values, uninterrupted.values)).toBeGreaterThan(1e-4);
  });

  it('leaks no tensor over steps', async () => {
    const { weights, loss, dispose } = problem();
    const optimizers = cases.map((c) => c.fused());
    optimizers.forEach((o) => tf.dispose(o.minimize(loss, false, weights))); // slots created
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) optimizers.forEach((o) => tf.dispose(o.minimize(loss, false, weights)));
    expect(tf.memory().numTensors).toBe(before);
    optimizers.forEach((o) => o.dispose());
    dispose();
  });
});
