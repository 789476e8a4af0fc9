// Mini-batches cut from an in-memory split, in a seeded order; tensors are created per batch and owned by the caller.
import * as tf from '@tensorflow/tfjs';
import type { DataSplit } from '../plugins/dataset-plugin.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';
import { shuffledIndices } from '../random/seeded-random.js';

export interface Batch {
  /** Indices of the batch's samples in the split (to slice precomputed teacher outputs). */
  readonly indices: Int32Array;
  readonly x: tf.Tensor;
  readonly labels: tf.Tensor1D;
  readonly labelMask: tf.Tensor1D;
}

/** Sample order for one epoch: shuffled with a per-epoch seed, or the split's own order. */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  if (shuffle) return shuffledIndices(count, (seed + epoch * 0x9e3779b9) >>> 0);
  return Int32Array.from({ length: count }, (_, i) => i);
}

export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/** Gathers rows of a row-major Float32Array. */
export function gatherRows(source: Float32Array, width: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i] * width;
    out.set(source.subarray(start, start + width), i * width);
  }
  return out;
}

export function makeBatch(split: DataSplit, inputShape: readonly number[], indices: Int32Array): Batch {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const labels = new Int32Array(indices.length);
  const mask = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const label = split.y[indices[i]];
    const labelled = label !== UNLABELED;
    labels[i] = labelled ? label : 0;
    mask[i] = labelled ? 1 : 0;
  }
  return {
    indices,
    x: tf.tensor(gatherRows(split.x, width, indices), [indices.length, ...inputShape]),
    labels: tf.tensor1d(labels, 'int32'),
    labelMask: tf.tensor1d(mask, 'float32'),
  };
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.labels, batch.labelMask]);
}

/** Yields the batches of one epoch. */
export function* epochBatches(split: DataSplit, inputShape: readonly number[], batchSize: number, order: Int32Array): Generator<Batch> {
  for (let start = 0; start < order.length; start += batchSize) {
    yield makeBatch(split, inputShape, order.subarray(start, Math.min(order.length, start + batchSize)));
  }
}

/** Only the labelled samples of a split (what hard-label training uses). */
export function labelledSubset(split: DataSplit, inputShape: readonly number[]): DataSplit {
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) if (split.y[i] !== UNLABELED) keep.push(i);
  if (keep.length === split.count) return split;
  const indices = Int32Array.from(keep);
  const width = inputShape.reduce((a, b) => a * b, 1);
  return { x: gatherRows(split.x, width, indices), y: Int32Array.from(keep, (i) => split.y[i]), count: keep.length };
}
