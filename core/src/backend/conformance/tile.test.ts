// Conformance of Tile, which batch normalization's gradient runs once per layer and step: broadcasting a per-channel
// vector to a whole batch, tiling along several axes at once, integer and boolean tensors, and its gradient.
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
