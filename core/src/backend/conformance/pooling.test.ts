// Conformance of pooling: MaxPool and AvgPool forward and gradients (MaxPoolGrad, AvgPoolGrad) for 2×2 and 3×3
// windows, strides 1 and 2, both paddings, odd sizes, batch 1; and global average / max pooling (a mean or a max over
// height and width, as GlobalAveragePooling2D and GlobalMaxPooling2D compute them) with their gradients.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../random/seeded-random.js';
import { mismatches } from './compare-backends.js';

interface PoolCase {
  shape: [number, number, number, number];
  window: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

function poolCases(seed: number, count: number): PoolCase[] {
  const fixed: PoolCase[] = [
    { shape: [1, 7, 7, 3], window: [2, 2], strides: [2, 2], pad: 'valid' },
    { shape: [2, 9, 8, 2], window: [3, 3], strides: [2, 2], pad: 'same' },
    { shape: [3, 5, 6, 4], window: [2, 2], strides: [1, 1], pad: 'same' },
    { shape: [2, 11, 9, 1], window: [3, 2], strides: [1, 2], pad: 'valid' },
  ];
  const random = seededRandom(seed);
  const drawn = Array.from({ length: count }, (): PoolCase => {
    const window: [number, number] = [2 + random.int(2), 2 + random.int(2)];
    return {
      shape: [1 + random.int(3), window[0] + random.int(8), window[1] + random.int(8), 1 + random.int(5)],
      window,
      strides: [1 + random.int(2), 1 + random.int(2)],
      pad: random.next() < 0.5 ? 'same' : 'valid',
    };
  });
  return [...fixed, ...drawn];
}

const describePool = (c: PoolCase) => `x [${c.shape}] window ${c.window.join('×')} strides ${c.strides.join(',')} ${c.pad}`;

// Random normal inputs have no ties, so the maximum of every window, and where MaxPoolGrad sends its gradient, is
// the same on both backends.
for (const [kind, op] of [
  ['maxPool', tf.maxPool],
  ['avgPool', tf.avgPool],
] as const) {
  describe(`${kind}: forward and gradient`, () => {
    poolCases(kind === 'maxPool' ? 808 : 909, 6).forEach((c, i) => {
      it(describePool(c), async () => {
        const f = (x: tf.Tensor) => op(x as tf.Tensor4D, c.window, c.strides, c.pad);
        const reference = kind === 'avgPool' ? (x: tf.Tensor) => averageByConvolution(x as tf.Tensor4D, c) : undefined;
        const found = await mismatches({ name: kind, inputs: [{ shape: c.shape }], f, reference }, 8000 + i);
        expect(found).toEqual([]);
      });
    });
  });
}

// tfjs's own AvgPoolGrad (cpu and stock wasm) divides by the whole window where the forward pass divides by the taps
// inside the input, so the reference for average pooling is an identity built from kernels checked elsewhere: the
// sum over each window (a depthwise convolution with a filter of ones) divided by the count of taps inside the input
// (the same convolution of an image of ones), which is what AvgPool computes, and whose gradient is the exact one.
function averageByConvolution(x: tf.Tensor4D, c: PoolCase): tf.Tensor {
  const ones = tf.ones([c.window[0], c.window[1], x.shape[3], 1]) as tf.Tensor4D;
  const sums = tf.depthwiseConv2d(x, ones, c.strides, c.pad);
  const counts = tf.depthwiseConv2d(tf.onesLike(x), ones, c.strides, c.pad);
  return sums.div(counts);
}

describe('global pooling over height and width', () => {
  for (const [kind, f] of [
    ['global average', (x: tf.Tensor) => tf.mean(x, [1, 2])],
    ['global max', (x: tf.Tensor) => tf.max(x, [1, 2])],
  ] as const) {
    for (const shape of [
      [1, 7, 7, 5],
      [3, 4, 9, 2],
    ]) {
      it(`${kind}, x [${shape}]`, async () => {
        const found = await mismatches({ name: kind, inputs: [{ shape }], f }, 8500 + shape[0]);
        expect(found).toEqual([]);
      });
    }
  }
});
