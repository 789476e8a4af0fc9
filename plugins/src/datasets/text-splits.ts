// Labelled texts → a token-id dataset: rows shuffled into training, validation and test; the tokenizer fitted on the
// training texts only; with labelsPerClass, only the first N training rows of each class keep their label (the rest
// are a transfer set), while the teacher stage still gets every label.
import { createHash } from 'node:crypto';
import { shuffledIndices, UNLABELED, UserError, type DataSplit, type Dataset, type Tokenizer } from '@distill/core';
import { datasetFingerprint } from './dataset-fingerprint.js';
import { splitSizes } from './split-rows.js';

export interface LabelledText {
  readonly text: string;
  /** Class index. */
  readonly label: number;
}

export interface TextSplitOptions {
  readonly validationFraction: number;
  readonly testFraction: number;
  readonly shuffleSeed: number;
  readonly labelsPerClass?: number;
  /** Where the data comes from, for the error when there are too few rows. */
  readonly shown: string;
}

export function textDataset(
  rows: readonly LabelledText[],
  classNames: readonly string[],
  tokenizer: Tokenizer,
  options: TextSplitOptions,
  metrics?: Record<string, number>,
): Dataset {
  const sizes = splitSizes(rows.length, options.validationFraction, options.testFraction);
  if (sizes.train < 1 || sizes.test < 1) {
    throw new UserError(`${options.shown} has ${rows.length} valid rows: too few for a training and a test split with testFraction ${options.testFraction}`);
  }
  const order = shuffledIndices(rows.length, options.shuffleSeed);
  const trainRows = Array.from(order.subarray(0, sizes.train), (i) => rows[i]);
  const validationRows = Array.from(order.subarray(sizes.train, sizes.train + sizes.validation), (i) => rows[i]);
  const testRows = Array.from(order.subarray(sizes.train + sizes.validation), (i) => rows[i]);

  const fitted = tokenizer.fit(trainRows.map((row) => row.text));
  const encode = (split: readonly LabelledText[], keepLabel: (i: number) => boolean = () => true): DataSplit => {
    const x = new Int32Array(split.length * fitted.sequenceLength);
    const y = new Int32Array(split.length);
    split.forEach((row, i) => {
      x.set(fitted.encode(row.text), i * fitted.sequenceLength);
      y[i] = keepLabel(i) ? row.label : UNLABELED;
    });
    return { x, y, count: split.length };
  };
  const seen = new Array<number>(classNames.length).fill(0);
  const keep = trainRows.map((row) => options.labelsPerClass === undefined || seen[row.label]++ < options.labelsPerClass);
  const train = encode(trainRows, (i) => keep[i]);
  const teacherTrain = options.labelsPerClass === undefined ? undefined : { ...train, y: Int32Array.from(trainRows, (row) => row.label) };
  const validation = validationRows.length ? encode(validationRows) : undefined;
  const test = encode(testRows);

  const info = { inputShape: [fitted.sequenceLength], numClasses: classNames.length, classNames, inputDtype: 'int32' as const, vocabularySize: fitted.vocabularySize };
  const vocabulary = createHash('sha256').update(JSON.stringify(fitted.state())).digest('hex');
  const fingerprint = createHash('sha256').update(datasetFingerprint(info, { train, validation, test, teacherTrain })).update(vocabulary).digest('hex');
  return { ...info, train, validation, test, teacherTrain, tokenizer: fitted, fingerprint, ...(metrics ? { metrics } : {}) };
}
