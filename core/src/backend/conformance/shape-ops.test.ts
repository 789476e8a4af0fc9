// Conformance of the shape operations layers run and differentiate: Tile (which batch normalization's gradient runs
// once per layer and step: a per-channel vector broadcast to a whole batch, several axes at once, integer and boolean
// tensors), the resizes of UpSampling2D, the slices, pads and concatenations of Cropping2D, ZeroPadding2D and
// Concatenate, transposes and reshapes, each with its gradient.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mismatches } from './compare-backends.js';

describe('Tile: forward and gradient', () => {
  for (const [shape, reps] of [
    [[1, 1, 1, 8], [4, 5, 6, 1]],
    [[2, 3], [3, 2]],
    [[3], [4]],
    [[2, 1, 3], [1, 4, 2]],
    [[2, 2, 2], [1, 1, 1]],
    [[1, 3, 1, 2], [2, 1, 3, 1]],
  ]) {
    it(`x [${shape}] reps [${reps}]`, async () => {
      const found = await mismatches({ name: 'tile', inputs: [{ shape }], f: (x) => tf.tile(x, reps) }, 9800 + shape.length);
      expect(found).toEqual([]);
    });
  }

  it('int32 and bool tensors', async () => {
    const ints = { shape: [2, 3], dtype: 'int32' as const, values: [1, -2, 3, 4, 5, -6] };
    expect(await mismatches({ name: 'int32', inputs: [ints], f: (x) => tf.tile(x, [2, 3]), wrt: [] }, 9810)).toEqual([]);
    expect(await mismatches({ name: 'bool', inputs: [ints], f: (x) => tf.tile(tf.greater(x, 0), [3, 1]).cast('int32'), wrt: [] }, 9811)).toEqual([]);
  });
});

describe('resizes, slices, pads, concatenations, transposes', () => {
  const cases: [string, number[][], (...x: tf.Tensor[]) => tf.Tensor][] = [
    ['slice (Cropping2D)', [[2, 7, 6, 3]], (x) => tf.slice(x, [0, 1, 2, 0], [2, 4, 3, 3])],
    ['pad (ZeroPadding2D)', [[2, 4, 3, 2]], (x) => tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]])],
    ['concat on the channel axis (Concatenate)', [[2, 3, 3, 2], [2, 3, 3, 5]], (a, b) => tf.concat([a, b], 3)],
    ['transpose [0, 3, 1, 2]', [[2, 3, 4, 5]], (x) => tf.transpose(x, [0, 3, 1, 2])],
    ['reshape and reverse', [[2, 3, 4]], (x) => tf.reverse(x.reshape([6, 4]), 1)],
  ];
  cases.forEach(([name, shapes, f], i) => {
    it(name, async () => {
      expect(await mismatches({ name, inputs: shapes.map((shape) => ({ shape })), f }, 9900 + i)).toEqual([]);
    });
  });

  // tfjs defines no gradient for StridedSlice: forward only.
  it('stridedSlice', async () => {
    const f = (x: tf.Tensor) => tf.stridedSlice(x, [1, 0, 0], [5, 8, 3], [2, 3, 1]);
    expect(await mismatches({ name: 'stridedSlice', inputs: [{ shape: [5, 8, 3] }], f, wrt: [] }, 9910)).toEqual([]);
  });
});

// The cpu backend's resize gradients are wrong (nearest neighbour for a batch of more than one image, bilinear for a
// resize to a non-square size: it returns a transposed shape), so these compare with an identity instead: a resize
// is linear, and its gradient is the transpose of its forward map, read off the cpu backend's forward resize.
describe('resize gradients (UpSampling2D), against the transpose of the forward map', () => {
  it('resizeNearestNeighbor ×2, batch 2: each input pixel gathers the gradient of the pixels copied from it', async () => {
    const [shape, size] = [[2, 3, 5, 2], [6, 10]] as [[number, number, number, number], [number, number]];
    const f = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size);
    const reference = tf.customGrad((x, save) => {
      (save as tf.GradSaveFunc)([x as tf.Tensor]);
      return {
        value: f(x as tf.Tensor),
        gradFunc: (dy) => {
          const elements = shape.reduce((product, d) => product * d, 1);
          const source = f(tf.range(0, elements).reshape(shape)).flatten().cast('int32');
          return tf.unsortedSegmentSum((dy as tf.Tensor).flatten(), source as tf.Tensor1D, elements).reshape(shape);
        },
      };
    }) as (x: tf.Tensor) => tf.Tensor;
    expect(await mismatches({ name: 'resizeNearestNeighbor', inputs: [{ shape }], f, reference }, 9920)).toEqual([]);
  });

  it('resizeBilinear 3×5 → 7×4, batch 2: dx = Rhᵀ·dy·Rw per image and channel', async () => {
    const [shape, size] = [[2, 3, 5, 2], [7, 4]] as [[number, number, number, number], [number, number]];
    const f = (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, size);
    const reference = tf.customGrad((x, save) => {
      (save as tf.GradSaveFunc)([x as tf.Tensor]);
      return { value: f(x as tf.Tensor), gradFunc: (dy) => bilinearTranspose(dy as tf.Tensor4D, shape, size) };
    }) as (x: tf.Tensor) => tf.Tensor;
    expect(await mismatches({ name: 'resizeBilinear', inputs: [{ shape }], f, reference }, 9921)).toEqual([]);
  });
});

/** Rows [to, from] of the bilinear resize of a 1-D signal of length `from`: the resize of each unit vector. */
function interpolation(from: number, to: number): tf.Tensor2D {
  const units = tf.eye(from).reshape([from, from, 1, 1]) as tf.Tensor4D;
  return tf.image.resizeBilinear(units, [to, 1]).reshape([from, to]).transpose() as tf.Tensor2D;
}

function bilinearTranspose(dy: tf.Tensor4D, [batch, height, width, channels]: number[], [toHeight, toWidth]: number[]): tf.Tensor {
  const rows = interpolation(height, toHeight);
  const columns = interpolation(width, toWidth);
  const images = dy.transpose([0, 3, 1, 2]).reshape([batch * channels, toHeight, toWidth]);
  const dx = images.unstack().map((image) => tf.matMul(tf.matMul(rows, image as tf.Tensor2D, true, false), columns));
  return tf.stack(dx).reshape([batch, channels, height, width]).transpose([0, 2, 3, 1]);
}
