// `distill init plugin --kind dataset`: a dataset read from a JSON Lines file beside the manifest, and a test that
// writes a small file and checks the splits.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function datasetTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` dataset: one JSON object per line, {"features": [numbers], "label": class index}, shuffled with a
// fixed seed and split into training, validation and test. Scaffolded by \`distill init plugin --kind dataset\`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { definePlugin, shuffledIndices, UserError, type DataSplit, type Dataset } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The .jsonl file, relative to the manifest.' },
    validationFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Share of the rows held out for validation.' },
    testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Share of the rows held out for the test set.' },
    shuffleSeed: { type: 'integer', minimum: 0, default: 0, description: 'Seed of the shuffle that assigns rows to splits.' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

interface Row {
  readonly features: number[];
  readonly label: number;
}

/** The rows of a JSON Lines text; a malformed line is a UserError naming the file and line. */
export function parseRows(text: string, file: string): Row[] {
  const rows: Row[] = [];
  text.split('\\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const row = parseLine(line, file + ':' + (index + 1));
    const valid = Array.isArray(row.features) && row.features.every(Number.isFinite) && Number.isInteger(row.label) && row.label! >= 0;
    if (!valid) throw new UserError(file + ':' + (index + 1) + ': expected {"features": [numbers], "label": a class index >= 0}');
    if (rows.length > 0 && row.features!.length !== rows[0].features.length) {
      throw new UserError(file + ':' + (index + 1) + ': ' + row.features!.length + ' features, but the first row has ' + rows[0].features.length);
    }
    rows.push(row as Row);
  });
  if (rows.length === 0) throw new UserError(file + ' has no rows');
  return rows;
}

function parseLine(line: string, where: string): Partial<Row> {
  try {
    return JSON.parse(line) as Partial<Row>;
  } catch (error) {
    throw new UserError(where + ': not JSON (' + (error as Error).message + ')');
  }
}

function split(rows: readonly Row[], indices: ArrayLike<number>): DataSplit {
  const width = rows[0].features.length;
  const x = new Float32Array(indices.length * width);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    x.set(rows[indices[i]].features, i * width);
    y[i] = rows[indices[i]].label;
  }
  return { x, y, count: indices.length };
}

export default definePlugin({
  kind: 'dataset',
  name: '${n.name}',
  description: 'Feature rows and class labels from a JSON Lines file, split into training, validation and test.',
  paramsSchema,
  create: (params, context): Dataset => {
    const text = readFileSync(resolve(context.manifestDir, params.path), 'utf8');
    const rows = parseRows(text, params.path);
    const order = Array.from(shuffledIndices(rows.length, params.shuffleSeed));
    const test = Math.floor(rows.length * params.testFraction);
    const validation = Math.floor(rows.length * params.validationFraction);
    return {
      inputShape: [rows[0].features.length],
      numClasses: Math.max(...rows.map((row) => row.label)) + 1,
      train: split(rows, order.slice(test + validation)),
      ...(validation > 0 ? { validation: split(rows, order.slice(test, test + validation)) } : {}),
      test: split(rows, order.slice(0, test)),
      // Caches (trained teachers, teacher outputs) are keyed by this: it must change whenever the data does.
      fingerprint: createHash('sha256').update(text).update(JSON.stringify(params)).digest('hex').slice(0, 16),
    };
  },
});
`;
  const test = `// Tests of the \`${n.name}\` dataset: a small file written here, read and split as a run reads it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlugin, type DataSplit, type Split } from '@distill/core';
import plugin from './${n.name}.js';

/** This dataset holds its splits in memory (a dataset may also stream them: a SampleSource). */
const inMemory = (split: Split) => split as DataSplit;

/** 20 rows: features [i, 20 - i, i / 10], label i % 3. */
function writeRows(): string {
  const dir = mkdtempSync(join(tmpdir(), '${n.name}-'));
  const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ features: [i, 20 - i, i / 10], label: i % 3 }));
  writeFileSync(join(dir, 'rows.jsonl'), lines.join('\\n') + '\\n');
  return dir;
}

describe('${n.name} dataset', () => {
  it('splits every row into exactly one split, keeping each row with its label', async () => {
    const manifestDir = writeRows();
    const dataset = await buildPlugin(plugin, { path: 'rows.jsonl', validationFraction: 0.25, testFraction: 0.25 }, { manifestDir });
    expect(dataset.inputShape).toEqual([3]);
    expect(dataset.numClasses).toBe(3);
    expect([dataset.train.count, dataset.validation?.count, dataset.test.count]).toEqual([10, 5, 5]);
    const seen: number[] = [];
    for (const part of [dataset.train, dataset.validation!, dataset.test].map(inMemory)) {
      for (let i = 0; i < part.count; i++) {
        const row = part.x[i * 3];
        expect(Array.from(part.x.subarray(i * 3, i * 3 + 3))).toEqual([row, 20 - row, Math.fround(row / 10)]);
        expect(part.y[i]).toBe(row % 3);
        seen.push(row);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('gives the same splits and fingerprint for the same file and params, another fingerprint for other params', async () => {
    const manifestDir = writeRows();
    const first = await buildPlugin(plugin, { path: 'rows.jsonl' }, { manifestDir });
    const again = await buildPlugin(plugin, { path: 'rows.jsonl' }, { manifestDir });
    const reshuffled = await buildPlugin(plugin, { path: 'rows.jsonl', shuffleSeed: 1 }, { manifestDir });
    expect(Array.from(inMemory(again.train).y)).toEqual(Array.from(inMemory(first.train).y));
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(reshuffled.fingerprint).not.toBe(first.fingerprint);
  });

  it('names the file and line of a malformed row', async () => {
    const manifestDir = writeRows();
    writeFileSync(join(manifestDir, 'bad.jsonl'), '{"features": [1, 2], "label": 0}\\n{"features": [1], "label": 1}\\n');
    await expect(buildPlugin(plugin, { path: 'bad.jsonl' }, { manifestDir })).rejects.toThrow('bad.jsonl:2: 1 features, but the first row has 2');
  });
});
`;
  return { plugin, test, usage: `"dataset": { "type": "${n.name}", "params": { "path": "data/rows.jsonl" } }` };
}
