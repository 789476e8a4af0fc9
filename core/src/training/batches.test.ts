import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { epochBatches, epochOrder, labelledSubset, makeBatch } from './batches.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';

const split = {
  x: Float32Array.from({ length: 10 * 2 }, (_, i) => i),
  y: Int32Array.from([0, 1, UNLABELED, 1, 0, UNLABELED, 2, 2, 0, 1]),
  count: 10,
};

describe('batches', () => {
  it('shuffles with the seed: same seed and epoch give the same order, another epoch another one', () => {
    const a = epochOrder(10, true, 5, 0);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epochOrder(10, true, 5, 0)]).toEqual([...a]);
    expect([...epochOrder(10, true, 5, 1)]).not.toEqual([...a]);
    expect([...epochOrder(10, false, 5, 1)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('cuts a batch with rows, labels and a mask that is 0 for unlabelled samples', async () => {
    const batch = makeBatch(split, [2], Int32Array.from([2, 3]));
    expect(await batch.x.array()).toEqual([[4, 5], [6, 7]]);
    expect(await batch.labels.array()).toEqual([0, 1]);
    expect(await batch.labelMask.array()).toEqual([0, 1]);
    tf.dispose([batch.x, batch.labels, batch.labelMask]);
  });

  it('covers every sample once per epoch, the last batch smaller', () => {
    const sizes = [...epochBatches(split, [2], 4, epochOrder(10, false, 0, 0))].map((b) => {
      const n = b.indices.length;
      tf.dispose([b.x, b.labels, b.labelMask]);
      return n;
    });
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('keeps only labelled samples for hard-label training', () => {
    const subset = labelledSubset(split, [2]);
    expect(subset.count).toBe(8);
    expect([...subset.y]).toEqual([0, 1, 1, 0, 2, 2, 0, 1]);
    expect([...subset.x.subarray(4, 6)]).toEqual([6, 7]);
  });
});
