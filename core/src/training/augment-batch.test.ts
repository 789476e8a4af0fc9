import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Augmentation } from '../plugins/augmentation-plugin.js';
import { batchAugmenter } from './augment-batch.js';
import { disposeBatch, makeBatch } from './batches.js';

const layout = { inputShape: [2], inputDtype: 'float32' as const, numClasses: 3, task: 'multiclass' as const };
const samples = { inputs: Float32Array.from([1, 2, 3, 4]), labels: Int32Array.from([2, -1]), ids: Int32Array.from([7, 8]) };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const swap: Augmentation = {
  // Mixes each sample half and half with the other one.
  apply: (batch) => {
    const other = tf.tensor1d([1, 0], 'int32');
    return {
      inputs: batch.inputs.add(batch.inputs.gather(other)).div(2),
      targets: batch.targets.add(batch.targets.gather(other)).div(2) as tf.Tensor2D,
      labelMask: batch.labelMask.mul(batch.labelMask.gather(other)),
    };
  },
};

describe('batchAugmenter', () => {
  it('gives the losses one-hot targets turned soft by a mixing augmentation, and frees everything it made', async () => {
    const read = makeBatch(samples, Int32Array.from([0, 1]), layout);
    const before = tf.memory().numTensors;
    const augmented = batchAugmenter([{ name: 'swap', augmentation: swap }], layout, 1, 'student')(read, 0);
    expect(await augmented.x.array()).toEqual([[2, 3], [2, 3]]);
    // Sample 1 is unlabelled (label 0 stands in, masked): its one-hot row is class 0's.
    expect(await augmented.softTargets!.array()).toEqual([[0.5, 0, 0.5], [0.5, 0, 0.5]]);
    expect(await augmented.labelMask.array()).toEqual([0, 0]);
    expect(await augmented.sampleIds.array()).toEqual([7, 8]);
    disposeBatch(augmented);
    expect(tf.memory().numTensors).toBe(before);
    disposeBatch(read);
  });

  it('names an augmentation that changes the batch\'s shape', () => {
    const read = makeBatch(samples, Int32Array.from([0, 1]), layout);
    const shrink: Augmentation = { apply: (batch) => ({ ...batch, inputs: batch.inputs.slice([0, 0], [1, 2]) }) };
    expect(() => batchAugmenter([{ name: 'shrink', augmentation: shrink }], layout, 1, 'student')(read, 0)).toThrow(
      'augmentation "shrink" returned inputs of shape [1, 2]; it must keep the batch\'s shape [2, 2]',
    );
    disposeBatch(read);
  });
});
