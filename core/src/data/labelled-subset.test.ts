import { describe, expect, it } from 'vitest';
import { UNLABELED, type SampleSource, type Samples } from '../plugins/dataset-plugin.js';
import { inMemorySource } from './in-memory-source.js';
import { labelledSubset } from './labelled-subset.js';

const split = {
  x: Float32Array.from({ length: 10 * 2 }, (_, i) => i),
  y: Int32Array.from([0, 1, UNLABELED, 1, 0, UNLABELED, 2, 2, 0, 1]),
  count: 10,
};

describe('labelledSubset', () => {
  it('keeps only the labelled samples, in order, with the split\'s own rows and ids', async () => {
    const subset = await labelledSubset(split);
    expect(subset.count).toBe(8);
    const all = (await subset.read(Int32Array.from({ length: 8 }, (_, i) => i))) as Samples;
    expect([...all.labels]).toEqual([0, 1, 1, 0, 2, 2, 0, 1]);
    expect([...all.ids]).toEqual([0, 1, 3, 4, 6, 7, 8, 9]);
    expect([...all.inputs.subarray(4, 6)]).toEqual([6, 7]);
  });

  it('scans a streaming source a chunk at a time and gives the same subset', async () => {
    const memory = inMemorySource(split);
    const reads: number[] = [];
    const source: SampleSource = { count: 10, read: async (p) => (reads.push(p.length), memory.read(p)) };
    const subset = await labelledSubset(source);
    expect(reads).toEqual([10]);
    const read = (await subset.read(Int32Array.from([2, 5]))) as Samples;
    expect([...read.ids]).toEqual([3, 7]);
  });

  it('is the split itself when every sample is labelled', async () => {
    const labelled = { ...split, y: Int32Array.from({ length: 10 }, () => 1) };
    const subset = await labelledSubset(labelled);
    expect(subset.count).toBe(10);
  });
});
