// The `text` dataset: labelled texts from a JSONL or CSV file beside the manifest, turned into int32 token ids by the
// dataset section's tokenizer (fitted on the training split only).
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { definePlugin, UserError, type Dataset } from '@distill/core';
import { readTextRecords, type InvalidRow } from './text-records.js';
import { textDataset } from './text-splits.js';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The JSONL or CSV file, relative to the manifest.' },
    format: { enum: ['jsonl', 'csv'], description: 'The file format. Default: from the extension (.csv is CSV, anything else JSONL).' },
    textField: { type: 'string', minLength: 1, default: 'text', description: 'The field (JSONL) or header column (CSV) holding the text.' },
    labelField: { type: 'string', minLength: 1, default: 'label', description: 'The field or column holding the label: a class name, or a whole number.' },
    classes: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 2,
      uniqueItems: true,
      description: 'The class names, in class-index order; a row whose label is not one of them is invalid. Default: the distinct labels found, sorted.',
    },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',', description: 'CSV cell separator.' },
    maxLineBytes: { type: 'integer', minimum: 1, default: 1048576, description: 'A line longer than this many bytes is invalid (a file that is not line-based text).' },
    onInvalid: {
      enum: ['error', 'skip'],
      default: 'error',
      description: 'What an invalid row does (not UTF-8, over maxLineBytes, no text, a label not in classes): stop with its file and line, or be skipped and counted (dataset/skippedRows).',
    },
    validationFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Fraction of the rows held out for validation.' },
    testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Fraction of the rows held out for the test set.' },
    shuffleSeed: { type: 'integer', minimum: 0, default: 0, description: 'Seed of the shuffle that assigns rows to splits (training, then validation, then test).' },
    labelsPerClass: {
      type: 'integer',
      minimum: 1,
      description: 'Keep the label of only the first N training rows of each class; the rest of the training split stays in, unlabelled (a transfer set). The teacher stage still trains on every label.',
    },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'dataset',
  name: 'text',
  description:
    'Labelled texts from a JSONL file (one {"text", "label"} object per line) or a CSV file with a header, tokenized by the ' +
    "dataset's tokenizer into int32 ids (0 pads: the mask). Rows are shuffled with shuffleSeed into training, validation and test; " +
    'the vocabulary is learned from the training split. labelsPerClass keeps a few labels and makes the rest a transfer set.',
  paramsSchema,
  create: (params, context, services): Dataset => {
    if (!context.tokenizer) {
      throw new UserError('the text dataset needs a tokenizer to turn its text into token ids', { hint: 'add "tokenizer": { "type": "word" } to the dataset section' });
    }
    const file = resolve(context.manifestDir, params.path);
    const format = params.format ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
      throw new UserError(`text dataset: cannot read ${params.path} (${file}): ${reason}`);
    }
    const { rows, skipped } = readTextRecords(bytes, { ...params, format, shown: params.path }, params.classes);
    if (skipped.length) services.warnings.warn(`text dataset: skipped ${skipped.length} invalid row${skipped.length === 1 ? '' : 's'} of ${params.path} (${describeSkipped(skipped)})`);
    const classNames = params.classes ?? classesFound(rows.map((row) => row.label), params.path);
    const index = new Map(classNames.map((name, i) => [name, i]));
    const labelled = rows.map((row) => ({ text: row.text, label: index.get(row.label)! }));
    return textDataset(labelled, classNames, context.tokenizer, { ...params, shown: params.path }, { skippedRows: skipped.length });
  },
});

/** The distinct labels: in numeric order when all are whole numbers, else sorted. */
function classesFound(labels: readonly string[], shown: string): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((label) => /^\d+$/.test(label));
  const sorted = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  if (sorted.length < 2) throw new UserError(`${shown}: every row has the label "${sorted[0]}"; a classifier needs at least two classes`);
  return sorted;
}

function describeSkipped(skipped: readonly InvalidRow[]): string {
  const shown = skipped.slice(0, 3).map((row) => `line ${row.line}: ${row.problem}`);
  return skipped.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}
