// Conformance of gathering and its gradient: GatherV2 (what an Embedding layer runs) whose gradient is
// UnsortedSegmentSum, and UnsortedSegmentSum itself, including repeated ids and ids outside [0, numSegments), which
// are dropped.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { directOutcome, expectedOutcome } from './kernel-limits.js';
import { mismatches } from './compare-backends.js';

describe('gather and its gradient', () => {
  // An Embedding layer runs exactly this: tf.gather(table, ids), and trains the table through its gradient.
  it('rows of an 11×4 table by repeated indices (an embedding lookup)', async () => {
    const indices = { shape: [2, 5], dtype: 'int32' as const, values: [3, 0, 3, 10, 7, 7, 7, 1, 0, 2] };
    const f = (table: tf.Tensor, ids: tf.Tensor) => tf.gather(table, ids);
    const found = await mismatches({ name: 'gather', inputs: [{ shape: [11, 4] }, indices], f }, 9300);
    expect(found).toEqual([]);
  });

  it('along axis 1 of a 3-D tensor', async () => {
    const indices = { shape: [4], dtype: 'int32' as const, values: [2, 0, 2, 1] };
    const f = (x: tf.Tensor, ids: tf.Tensor) => tf.gather(x, ids, 1);
    const found = await mismatches({ name: 'gather axis 1', inputs: [{ shape: [2, 3, 5] }, indices], f }, 9400);
    expect(found).toEqual([]);
  });
});

describe('UnsortedSegmentSum', () => {
  it('sums rows into segments, with its gradient', async () => {
    const segmentIds = { shape: [7], dtype: 'int32' as const, values: [2, 0, 2, 1, 4, 4, 0] };
    const f = (x: tf.Tensor, ids: tf.Tensor) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 6);
    const found = await mismatches({ name: 'unsortedSegmentSum', inputs: [{ shape: [7, 3, 2] }, segmentIds], f }, 9500);
    expect(found).toEqual([]);
  });

  // Forward only: the gradient is a gather by the same ids, which refuses ids out of range on every backend.
  it('drops ids below 0 and at or above numSegments', async () => {
    const segmentIds = { shape: [7], dtype: 'int32' as const, values: [2, 0, 2, -1, 4, 5, 0] };
    const f = (x: tf.Tensor, ids: tf.Tensor) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 5);
    const found = await directOutcome('segment ids out of range', { name: 'out of range', inputs: [{ shape: [7, 3, 2] }, segmentIds], f, wrt: [] }, 9510);
    expect(found).toEqual(expectedOutcome('segment ids out of range'));
  });

  it('on int32 values', async () => {
    const x = { shape: [5, 2], dtype: 'int32' as const, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    const segmentIds = { shape: [5], dtype: 'int32' as const, values: [1, 1, 0, 2, 1] };
    const f = (values: tf.Tensor, ids: tf.Tensor) => tf.unsortedSegmentSum(values, ids as tf.Tensor1D, 3);
    const found = await mismatches({ name: 'int32 segments', inputs: [x, segmentIds], f, wrt: [] }, 9600);
    expect(found).toEqual([]);
  });
});
