// The fast path: a split held in memory, read by position like any other source. Rows are copied out per batch, so
// a batch never aliases the split.
import type { DataSplit, SampleSource, Samples, Split } from '../plugins/dataset-plugin.js';
import { isSampleSource } from '../plugins/dataset-plugin.js';

/** A `SampleSource` over an in-memory split; ids are the split's `ids`, else the positions. */
export function inMemorySource(split: DataSplit): SampleSource {
  const width = split.count > 0 ? split.x.length / split.count : 0;
  const classes = split.targets && split.count > 0 ? split.targets.length / split.count : 0;
  return {
    count: split.count,
    read(positions: Int32Array): Samples {
      const labels = new Int32Array(positions.length);
      for (let i = 0; i < positions.length; i++) labels[i] = split.y[positions[i]];
      return {
        inputs: gatherRows(split.x, width, positions),
        labels,
        ids: split.ids ? Int32Array.from(positions, (p) => split.ids![p]) : Int32Array.from(positions),
        ...(split.targets ? { targets: gatherRows(split.targets, classes, positions) } : {}),
      };
    },
  };
}

/** Any split as a source: an in-memory split is wrapped, a source is used as it is. */
export function sourceOf(split: Split): SampleSource {
  return isSampleSource(split) ? split : inMemorySource(split);
}

/** Gathers rows of a row-major array (Float32Array or Int32Array) into a new array of the same type. */
export function gatherRows<T extends Float32Array | Int32Array>(source: T, width: number, positions: ArrayLike<number>): T {
  const out = new (source.constructor as new (length: number) => T)(positions.length * width);
  for (let i = 0; i < positions.length; i++) {
    const start = positions[i] * width;
    out.set(source.subarray(start, start + width), i * width);
  }
  return out;
}
