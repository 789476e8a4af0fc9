// Tests of the `jsonl-records` dataset on the example's real data file, and on small files with mistakes in them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPlugin, UNLABELED, type DataSplit, type Split } from '@distill/core';
import jsonlRecords from './jsonl-records.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

/** This plugin keeps its splits in memory; a dataset's splits may also be sources read by position. */
const inMemory = (split: Split) => split as DataSplit;

function labelCounts(split: Split): Map<number, number> {
  const counts = new Map<number, number>();
  for (const label of inMemory(split).y) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

describe('jsonl-records dataset', () => {
  it('reads the 600 downsampled MNIST digits and splits them 420 / 60 / 120', async () => {
    const dataset = await buildPlugin(jsonlRecords, { path: 'data/digits.jsonl' }, { manifestDir: exampleDir });
    expect([dataset.inputShape, dataset.numClasses]).toEqual([[196], 10]);
    expect([dataset.train.count, dataset.validation!.count, dataset.test.count]).toEqual([420, 60, 120]);
    expect(inMemory(dataset.train).x.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect([...labelCounts(dataset.test).keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('with labelsPerClass keeps that many labels per class for the student and all of them for the teacher', async () => {
    const dataset = await buildPlugin(jsonlRecords, { path: 'data/digits.jsonl', labelsPerClass: 8 }, { manifestDir: exampleDir });
    const counts = labelCounts(dataset.train);
    expect(counts.get(UNLABELED)).toBe(420 - 80);
    for (let digit = 0; digit < 10; digit++) expect(counts.get(digit)).toBe(8);
    expect(labelCounts(dataset.teacherTrain!).get(UNLABELED)).toBeUndefined();
    expect(inMemory(dataset.teacherTrain!).x).toEqual(inMemory(dataset.train).x);
  });

  it('names the file and line of a line that is not JSON, or not a row, or of another width', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonl-records-'));
    const cases: [string, string][] = [
      ['{"features": [1, 2], "label": 0}\n{"features": [1, 2], "label": 1,}\n', 'bad.jsonl:2: not JSON ('],
      ['{"features": [1, 2], "label": 0}\n\n{"features": [1, "2"], "label": 1}\n', 'bad.jsonl:3: expected {"features": [numbers], "label": a class index >= 0}'],
      ['{"features": [1, 2], "label": 0}\n{"features": [1, 2, 3], "label": 1}\n', 'bad.jsonl:2: 3 features, but line 1 has 2'],
      ['\n', 'bad.jsonl has no rows'],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'bad.jsonl'), text);
      await expect(buildPlugin(jsonlRecords, { path: 'bad.jsonl' }, { manifestDir: dir })).rejects.toThrow(message);
    }
  });
});
