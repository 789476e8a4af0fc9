import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeBatch, epochBatches, epochOrder, makeBatch, type Batch } from './batches.js';
import { UNLABELED, type SampleSource, type Samples } from '../plugins/dataset-plugin.js';
import { inMemorySource } from '../data/in-memory-source.js';
import type { SampleLayout } from '../data/sample-layout.js';

const split = {
  x: Float32Array.from({ length: 10 * 2 }, (_, i) => i),
  y: Int32Array.from([0, 1, UNLABELED, 1, 0, UNLABELED, 2, 2, 0, 1]),
  count: 10,
};
const layout: SampleLayout = { inputShape: [2], inputDtype: 'float32', numClasses: 3, task: 'multiclass' };

async function collect(batches: AsyncGenerator<Batch>): Promise<{ indices: number[]; ids: number[]; x: number[][] }[]> {
  const out = [];
  for await (const batch of batches) {
    out.push({ indices: [...batch.indices], ids: [...(await batch.sampleIds.data())], x: (await batch.x.array()) as number[][] });
    disposeBatch(batch);
  }
  return out;
}

describe('batches', () => {
  it('shuffles with the seed: same seed and epoch give the same order, another epoch another one', () => {
    const a = epochOrder(10, true, 5, 0);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epochOrder(10, true, 5, 0)]).toEqual([...a]);
    expect([...epochOrder(10, true, 5, 1)]).not.toEqual([...a]);
    expect([...epochOrder(10, false, 5, 1)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('cuts a batch with rows, labels, a mask that is 0 for unlabelled samples, and sample ids', async () => {
    const positions = Int32Array.from([2, 3]);
    const batch = makeBatch(inMemorySource(split).read(positions) as Samples, positions, layout);
    expect(await batch.x.array()).toEqual([[4, 5], [6, 7]]);
    expect(await batch.labels.array()).toEqual([0, 1]);
    expect(await batch.labelMask.array()).toEqual([0, 1]);
    expect([batch.sampleIds.dtype, await batch.sampleIds.array()]).toEqual(['int32', [2, 3]]);
    expect(batch.targets).toBeUndefined();
    disposeBatch(batch);
  });

  it('covers every sample once per epoch in the given order, the last batch smaller; ids follow the samples', async () => {
    const order = Int32Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const ids = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
    const batches = await collect(epochBatches(inMemorySource({ ...split, ids }), layout, 4, order, 'test'));
    expect(batches.map((b) => b.indices)).toEqual([[9, 8, 7, 6], [5, 4, 3, 2], [1, 0]]);
    expect(batches.map((b) => b.ids)).toEqual([[109, 108, 107, 106], [105, 104, 103, 102], [101, 100]]);
    expect(batches[2].x).toEqual([[2, 3], [0, 1]]);
  });

  it('asks for the next batch before the current one is handed out, so a source reads while the step runs', async () => {
    const events: string[] = [];
    const memory = inMemorySource(split);
    const source: SampleSource = {
      count: 10,
      read: async (positions) => {
        events.push(`read ${positions[0]}`);
        return memory.read(positions);
      },
    };
    for await (const batch of epochBatches(source, layout, 4, epochOrder(10, false, 0, 0), 'test')) {
      events.push(`step ${batch.indices[0]}`);
      disposeBatch(batch);
    }
    expect(events).toEqual(['read 0', 'read 4', 'step 0', 'read 8', 'step 4', 'step 8']);
  });

  it('int32 inputs make int32 tensors; multi-label targets make a [batch, classes] tensor', async () => {
    const tokens = { x: Int32Array.from([5, 6, 7, 8]), y: Int32Array.from([0, UNLABELED]), count: 2, targets: Float32Array.from([1, 0, 1, 0, 0, 1]) };
    const multi: SampleLayout = { inputShape: [2], inputDtype: 'int32', numClasses: 3, task: 'multilabel' };
    const positions = Int32Array.from([1, 0]);
    const batch = makeBatch(inMemorySource(tokens).read(positions) as Samples, positions, multi);
    expect([batch.x.dtype, await batch.x.array()]).toEqual(['int32', [[7, 8], [5, 6]]]);
    expect(await batch.targets!.array()).toEqual([[0, 0, 1], [1, 0, 1]]);
    expect(await batch.labelMask.array()).toEqual([0, 1]);
    disposeBatch(batch);
  });

  it('names a source that breaks the contract: wrong input type, wrong size, missing ids', async () => {
    const broken = (samples: Partial<Samples>): SampleSource => ({ count: 2, read: () => ({ inputs: new Float32Array(4), labels: new Int32Array(2), ids: new Int32Array(2), ...samples }) as Samples });
    const first = (source: SampleSource) => collect(epochBatches(source, layout, 2, epochOrder(2, false, 0, 0), 'dataset "x", training split'));
    await expect(first(broken({ inputs: new Int32Array(4) }))).rejects.toThrow('dataset "x", training split: read(2 positions) must return inputs as a Float32Array (the dataset\'s inputDtype is float32)');
    await expect(first(broken({ inputs: new Float32Array(3) }))).rejects.toThrow('returned 3 input values; expected 2 × 2 (inputShape [2])');
    await expect(first(broken({ ids: undefined }))).rejects.toThrow('must return 2 sample ids as an Int32Array');
    expect(tf.memory().numTensors).toBe(0);
  });
});
