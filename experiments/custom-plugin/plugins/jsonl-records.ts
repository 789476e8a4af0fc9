// The `jsonl-records` dataset: one JSON object per line, {"features": [numbers], "label": class index}, shuffled with a
// fixed seed and split into training, validation and test. With `labelsPerClass`, the student sees only that many
// labels per class; the rest of the training split stays in, unlabeled, as a transfer set for the teacher's signals.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { definePlugin, shuffledIndices, UNLABELED, UserError, type DataSplit, type Dataset } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The .jsonl file, relative to the manifest.' },
    validationFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Share of the rows held out for validation.' },
    testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Share of the rows held out for the test set.' },
    shuffleSeed: { type: 'integer', minimum: 0, default: 0, description: 'Seed of the shuffle that assigns rows to splits.' },
    labelsPerClass: {
      type: 'integer',
      minimum: 1,
      description: 'Keep the labels of only the first N training rows of each class (the teacher still trains on all of them).',
    },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export interface JsonlRow {
  readonly features: number[];
  readonly label: number;
}

/** The rows of a JSON Lines text; a line that is not a row is a UserError naming the file and line. */
export function parseRows(text: string, file: string): JsonlRow[] {
  const rows: JsonlRow[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    const row = parseLine(line, where);
    if (!Array.isArray(row.features) || !row.features.every(Number.isFinite) || !Number.isInteger(row.label) || (row.label as number) < 0) {
      throw new UserError(`${where}: expected {"features": [numbers], "label": a class index >= 0}`);
    }
    if (rows.length > 0 && row.features.length !== rows[0].features.length) {
      throw new UserError(`${where}: ${row.features.length} features, but line 1 has ${rows[0].features.length}`);
    }
    rows.push(row as JsonlRow);
  });
  if (rows.length === 0) throw new UserError(`${file} has no rows`);
  return rows;
}

function parseLine(line: string, where: string): Partial<JsonlRow> {
  try {
    return JSON.parse(line) as Partial<JsonlRow>;
  } catch (error) {
    throw new UserError(`${where}: not JSON (${(error as Error).message})`);
  }
}

/** The rows at `indices`; those for which `keepLabel(position)` is false are UNLABELED. */
function split(rows: readonly JsonlRow[], indices: readonly number[], keepLabel: (position: number) => boolean = () => true): DataSplit {
  const width = rows[0].features.length;
  const x = new Float32Array(indices.length * width);
  const y = new Int32Array(indices.length);
  indices.forEach((row, i) => {
    x.set(rows[row].features, i * width);
    y[i] = keepLabel(i) ? rows[row].label : UNLABELED;
  });
  return { x, y, count: indices.length };
}

/** For each position of `indices`, whether its row is among the first `perClass` of its class. */
function firstOfEachClass(rows: readonly JsonlRow[], indices: readonly number[], perClass: number): (position: number) => boolean {
  const seen = new Map<number, number>();
  const kept = indices.map((row) => {
    const count = (seen.get(rows[row].label) ?? 0) + 1;
    seen.set(rows[row].label, count);
    return count <= perClass;
  });
  return (position) => kept[position];
}

export default definePlugin({
  kind: 'dataset',
  name: 'jsonl-records',
  description: 'Feature rows and class labels from a JSON Lines file; optionally only a few labels per class (a transfer set).',
  paramsSchema,
  create: (params, context): Dataset => {
    const text = readFileSync(resolve(context.manifestDir, params.path), 'utf8');
    const rows = parseRows(text, params.path);
    const order = Array.from(shuffledIndices(rows.length, params.shuffleSeed));
    const test = Math.floor(rows.length * params.testFraction);
    const validation = Math.floor(rows.length * params.validationFraction);
    const trainRows = order.slice(test + validation);
    const keepLabel = params.labelsPerClass === undefined ? undefined : firstOfEachClass(rows, trainRows, params.labelsPerClass);
    return {
      inputShape: [rows[0].features.length],
      numClasses: Math.max(...rows.map((row) => row.label)) + 1,
      train: split(rows, trainRows, keepLabel),
      ...(keepLabel ? { teacherTrain: split(rows, trainRows) } : {}),
      ...(validation > 0 ? { validation: split(rows, order.slice(test, test + validation)) } : {}),
      test: split(rows, order.slice(0, test)),
      // Caches of trained teachers are keyed by this: it changes whenever the data or the split does.
      fingerprint: createHash('sha256').update(text).update(JSON.stringify(params)).digest('hex').slice(0, 16),
    };
  },
});
