// What the conformance suite does not reach: the convolution gradients in chunks of images (the column budget of
// real batches, forced down to one image here), and switching the kernels off and on again.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select-backend.js';
import { compareBackends } from '../conformance/compare-backends.js';
import { columnBudget } from './conv-chunks.js';
import { installWasmTrainingKernels, uninstallWasmTrainingKernels, WASM_TRAINING_KERNELS } from './install-wasm-training-kernels.js';

const budget = columnBudget.floats;

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});

afterEach(() => {
  columnBudget.floats = budget;
  installWasmTrainingKernels();
});

describe('convolution gradients in chunks of images', () => {
  for (const strides of [1, 2]) {
    it(`give the cpu backend's gradients with one image per chunk, strides ${strides}`, async () => {
      columnBudget.floats = 1;
      const conv = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, 'same');
      const found = await compareBackends({ name: 'chunked', inputs: [{ shape: [3, 9, 7, 4] }, { shape: [3, 3, 4, 5] }], f: conv }, 'wasm', 'cpu', 77 + strides);
      expect(found).toEqual([]);
    });
  }
});

describe('installing and uninstalling', () => {
  it('takes out the kernels wasm lacked and puts back the stock ones, which run again', async () => {
    await tf.setBackend('wasm');
    uninstallWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeUndefined();
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')).toBeUndefined();
    const dy = tf.ones([1, 3, 3, 2]);
    const stock = tf.tidy(() => Array.from((tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: tf.ones([3, 3, 1, 2]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 3, 3, 1] }) as tf.Tensor).dataSync() as Float32Array));
    // Each input pixel gathers one term per filter tap whose window covers it: 2 channels × (taps inside).
    expect(stock).toEqual([8, 12, 8, 12, 18, 12, 8, 12, 8]);
    installWasmTrainingKernels();
    expect(WASM_TRAINING_KERNELS.map((k) => tf.getKernel(k.kernelName, 'wasm')?.kernelFunc)).toEqual(WASM_TRAINING_KERNELS.map((k) => k.kernelFunc));
    tf.dispose(dy);
  });
});
