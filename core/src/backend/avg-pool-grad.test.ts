// The average-pooling gradient distill registers for cpu and wasm, against the exact gradient of the forward pass:
// AvgPool is linear in its input, so d/dx_i of sum(dy · avgPool(x)) is sum(dy · avgPool(e_i)) for the unit image e_i.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from './select-backend.js';

const CASES: { shape: [number, number, number, number]; window: [number, number]; strides: [number, number] }[] = [
  { shape: [1, 5, 6, 1], window: [2, 2], strides: [1, 1] },
  { shape: [2, 7, 5, 3], window: [3, 3], strides: [2, 2] },
];

function autogradAndExact(c: (typeof CASES)[number]): { autograd: Float32Array; exact: Float32Array } {
  return tf.tidy(() => {
    const pool = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, c.window, c.strides, 'same');
    const x = tf.randomNormal(c.shape, 0, 1, 'float32', 3);
    const dy = tf.randomNormal(pool(x).shape, 0, 1, 'float32', 4);
    const autograd = tf.grad(pool)(x, dy).dataSync() as Float32Array;
    const size = x.size;
    const exact = Float32Array.from({ length: size }, (_, i) => tf.sum(pool(tf.oneHot([i], size).reshape(c.shape).toFloat()).mul(dy)).dataSync()[0]);
    return { autograd, exact };
  });
}

describe.each(['cpu', 'wasm'] as const)('AvgPoolGrad on %s with same padding', (backend) => {
  it.each(CASES)('x $shape, window $window, strides $strides: the exact gradient of the forward pass', async (c) => {
    await initBackend(backend);
    const { autograd, exact } = autogradAndExact(c);
    const worst = autograd.reduce((max, value, i) => Math.max(max, Math.abs(value - exact[i])), 0);
    expect(worst).toBeLessThan(1e-6);
  });
});
