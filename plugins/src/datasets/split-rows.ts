// Builds DataSplits from a table of rows: the datasets load or generate all rows once, then pick each split by index.
import { UNLABELED, type DataSplit } from '@distill/core';

export interface RowTable {
  /** Row-major features, `width` floats per row. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly width: number;
}

/** The rows at `indices`, in that order; rows for which `keepLabel(position)` is false get `UNLABELED`. */
export function gatherSplit(table: RowTable, indices: ArrayLike<number>, keepLabel: (position: number) => boolean = () => true): DataSplit {
  const count = indices.length;
  const x = new Float32Array(count * table.width);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = indices[i];
    x.set(table.x.subarray(row * table.width, (row + 1) * table.width), i * table.width);
    y[i] = keepLabel(i) ? table.y[row] : UNLABELED;
  }
  return { x, y, count };
}

/** The same split with every label restored from the table (what a teacher stage trains on). */
export function withAllLabels(split: DataSplit, table: RowTable, indices: ArrayLike<number>): DataSplit {
  const y = Int32Array.from(indices, (row) => table.y[row]);
  return { x: split.x, y, count: split.count };
}

export interface SplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** How `n` rows divide: test and validation take `floor(n · fraction)` rows each, training the rest. */
export function splitSizes(n: number, validationFraction: number, testFraction: number): SplitSizes {
  const test = Math.floor(n * testFraction);
  const validation = Math.floor(n * validationFraction);
  return { train: n - test - validation, validation, test };
}

/** `start, start+1, …, end-1`. */
export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
