// Maps a CSV label column to class indices: decimal whole numbers are indices as they are; anything else is a class
// name, and the sorted distinct names become the classes. Indices must cover 0 … k-1 without gaps unless the manifest
// says how many classes there are: one stray label (a 50 among 0–2) must not silently make 51 classes.
import { UserError } from '@distill/core';
import { isDecimal } from './decimal-cell.js';

export interface LabelCell {
  readonly value: string;
  /** Where the cell is, for errors (`data.csv:14, column 5 ("species")`). */
  readonly place: string;
}

export interface CsvLabels {
  readonly y: Int32Array;
  readonly numClasses: number;
  readonly classNames?: string[];
}

export function csvLabels(cells: readonly LabelCell[], numClasses?: number): CsvLabels {
  const empty = cells.find((cell) => cell.value === '');
  if (empty) throw new UserError(`${empty.place}: the label is empty`);
  const numeric = cells.every((cell) => isDecimal(cell.value));
  const labels = numeric ? indexLabels(cells, numClasses) : namedLabels(cells);
  if (labels.numClasses < 2) throw new UserError(`${cells[0].place}: every row has the same label; a classifier needs at least two classes`);
  return labels;
}

function indexLabels(cells: readonly LabelCell[], declared: number | undefined): CsvLabels {
  const y = new Int32Array(cells.length);
  const firstAt = new Map<number, LabelCell>();
  cells.forEach((cell, i) => {
    const value = Number(cell.value);
    if (!Number.isInteger(value) || value < 0) {
      throw new UserError(`${cell.place}: label ${cell.value} is neither a class index (a whole number from 0) nor a class name`);
    }
    if (declared !== undefined && value >= declared) {
      throw new UserError(`${cell.place}: label ${cell.value} is not a class index below numClasses ${declared}`);
    }
    if (!firstAt.has(value)) firstAt.set(value, cell);
    y[i] = value;
  });
  if (declared !== undefined) return { y, numClasses: declared };
  const found = [...firstAt.keys()].sort((a, b) => a - b);
  const highest = found.at(-1)!;
  if (highest + 1 !== found.length) {
    const stray = firstAt.get(highest)!;
    throw new UserError(
      `the labels are ${found.length} distinct class indices (${summarize(found)}), so classes 0 … ${highest} would be ${highest + 1} classes with ${highest + 1 - found.length} never seen; ` +
        `the highest, ${stray.value}, is first at ${stray.place}`,
      { hint: 'fix a stray label, or set the csv dataset\'s numClasses when some classes really have no rows' },
    );
  }
  return { y, numClasses: found.length };
}

/** `0, 1, 2, 50` — or the first few and the last of a long list. */
function summarize(values: readonly number[]): string {
  return values.length <= 8 ? values.join(', ') : `${values.slice(0, 6).join(', ')}, …, ${values.at(-1)}`;
}

function namedLabels(cells: readonly LabelCell[]): CsvLabels {
  const classNames = [...new Set(cells.map((cell) => cell.value))].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return { y: Int32Array.from(cells, (cell) => index.get(cell.value)!), numClasses: classNames.length, classNames };
}
