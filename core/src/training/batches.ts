// Mini-batches read from a split in a seeded order: one epoch's order is a permutation of positions (the only
// whole-split structure kept), and each batch is read while the step before it runs. Tensors are created per batch
// and owned by the caller.
import * as tf from '@tensorflow/tfjs';
import type { SampleSource, Samples } from '../plugins/dataset-plugin.js';
import { readSamples } from '../data/read-samples.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';
import { shuffledIndices } from '../random/seeded-random.js';
import type { SampleLayout } from '../data/sample-layout.js';

export interface Batch {
  /** Positions of the batch's samples in the split (to slice precomputed teacher outputs). */
  readonly indices: Int32Array;
  readonly x: tf.Tensor;
  readonly labels: tf.Tensor1D;
  readonly labelMask: tf.Tensor1D;
  /** int32 stable sample ids. */
  readonly sampleIds: tf.Tensor1D;
  /** Multi-label: `[batch, classes]` targets in {0, 1}. */
  readonly targets?: tf.Tensor2D;
  /** Multi-class batches changed by augmentation: `[batch, classes]`, each sample's class distribution (mixed by mixup, cutmix). */
  readonly softTargets?: tf.Tensor2D;
}

/** Sample order for one epoch: shuffled with a per-epoch seed, or the split's own order. */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  if (shuffle) return shuffledIndices(count, (seed + epoch * 0x9e3779b9) >>> 0);
  return Int32Array.from({ length: count }, (_, i) => i);
}

export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/** The tensors of one batch; `indices` are the positions the samples were read at. */
export function makeBatch(samples: Samples, indices: Int32Array, layout: SampleLayout): Batch {
  const labels = new Int32Array(indices.length);
  const mask = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const label = samples.labels[i];
    const labelled = label !== UNLABELED;
    labels[i] = labelled ? label : 0;
    mask[i] = labelled ? 1 : 0;
  }
  return {
    indices,
    x: tf.tensor(samples.inputs, [indices.length, ...layout.inputShape], layout.inputDtype),
    labels: tf.tensor1d(labels, 'int32'),
    labelMask: tf.tensor1d(mask, 'float32'),
    sampleIds: tf.tensor1d(samples.ids, 'int32'),
    ...(layout.task === 'multilabel' && samples.targets ? { targets: tf.tensor2d(samples.targets, [indices.length, layout.numClasses]) } : {}),
  };
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.labels, batch.labelMask, batch.sampleIds, ...(batch.targets ? [batch.targets] : []), ...(batch.softTargets ? [batch.softTargets] : [])]);
}

/**
 * Yields the batches of one epoch in `order`. The next batch's read starts before the current batch is handed out,
 * so a source that reads files or the network does its I/O while the step runs.
 */
export async function* epochBatches(source: SampleSource, layout: SampleLayout, batchSize: number, order: Int32Array, where: string): AsyncGenerator<Batch> {
  const slice = (k: number) => order.subarray(k * batchSize, Math.min(order.length, (k + 1) * batchSize));
  const batches = batchCount(order.length, batchSize);
  const read = (k: number) => {
    const reading = readSamples(source, slice(k), layout, where);
    reading.catch(() => undefined); // a read left behind when the stage stops early must not be an unhandled rejection
    return reading;
  };
  let next = batches > 0 ? read(0) : undefined;
  for (let k = 0; k < batches; k++) {
    const samples = await next!;
    next = k + 1 < batches ? read(k + 1) : undefined;
    yield makeBatch(samples, slice(k), layout);
  }
}
