// Maps a CSV label column to class indices: numbers are indices as they are; anything else is a class name, and the
// sorted distinct names become the classes.
import { UserError } from '@distill/core';

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

export function csvLabels(cells: readonly LabelCell[]): CsvLabels {
  const empty = cells.find((cell) => cell.value === '');
  if (empty) throw new UserError(`${empty.place}: the label is empty`);
  const numeric = cells.every((cell) => Number.isFinite(Number(cell.value)));
  const labels = numeric ? indexLabels(cells) : namedLabels(cells);
  if (labels.numClasses < 2) throw new UserError(`${cells[0].place}: every row has the same label; a classifier needs at least two classes`);
  return labels;
}

function indexLabels(cells: readonly LabelCell[]): CsvLabels {
  const y = new Int32Array(cells.length);
  cells.forEach((cell, i) => {
    const value = Number(cell.value);
    if (!Number.isInteger(value) || value < 0) {
      throw new UserError(`${cell.place}: label ${cell.value} is neither a class index (a whole number from 0) nor a class name`);
    }
    y[i] = value;
  });
  return { y, numClasses: y.reduce((max, v) => Math.max(max, v), 0) + 1 };
}

function namedLabels(cells: readonly LabelCell[]): CsvLabels {
  const classNames = [...new Set(cells.map((cell) => cell.value))].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return { y: Int32Array.from(cells, (cell) => index.get(cell.value)!), numClasses: classNames.length, classNames };
}
