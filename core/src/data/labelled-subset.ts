// Hard-label training (a teacher stage, the baseline) reads only the labelled samples of a split: a view of the
// split through the positions that carry a label, in the split's order. Reading through it gives the split's own
// rows and ids, so sample ids stay stable.
import type { DataSplit, SampleSource, Samples, Split } from '../plugins/dataset-plugin.js';
import { isSampleSource, UNLABELED } from '../plugins/dataset-plugin.js';
import { sourceOf } from './in-memory-source.js';

/** How many positions a label scan of a streaming source reads at once. */
const SCAN_CHUNK = 1024;

export async function labelledSubset(split: Split): Promise<SampleSource> {
  const source = sourceOf(split);
  const positions = isSampleSource(split) ? await labelledPositions(split) : labelledRows(split);
  if (positions.length === source.count) return source;
  return {
    count: positions.length,
    read: (subset: Int32Array): Samples | Promise<Samples> => source.read(Int32Array.from(subset, (p) => positions[p])),
  };
}

function labelledRows(split: DataSplit): Int32Array {
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) if (split.y[i] !== UNLABELED) keep.push(i);
  return Int32Array.from(keep);
}

// A streaming source is scanned once, a chunk at a time: only the labels are kept.
async function labelledPositions(source: SampleSource): Promise<Int32Array> {
  const keep: number[] = [];
  for (let start = 0; start < source.count; start += SCAN_CHUNK) {
    const chunk = Int32Array.from({ length: Math.min(SCAN_CHUNK, source.count - start) }, (_, i) => start + i);
    const { labels } = await source.read(chunk);
    labels.forEach((label, i) => label !== UNLABELED && keep.push(start + i));
  }
  return Int32Array.from(keep);
}
