// The text dataset built as a run builds it: rows split by a seeded shuffle, the vocabulary learned from the training
// split only, labelsPerClass leaving a transfer set while the teacher keeps every label, JSONL and CSV read alike.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPlugin, UNLABELED, type DataSplit, type Dataset, type Tokenizer } from '@distill/core';
import text from './text.js';
import word from '../tokenizers/word.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/text/', import.meta.url));

async function build(params: Record<string, unknown>, tokenizerParams: Record<string, unknown> = { sequenceLength: 6 }): Promise<Dataset> {
  const tokenizer = (await buildPlugin(word, tokenizerParams)) as Tokenizer;
  return (await buildPlugin(text, { testFraction: 0.25, ...params }, { manifestDir: fixtures, tokenizer })) as Dataset;
}

const labels = (split: DataSplit) => Array.from(split.y);

describe('text dataset', () => {
  it('60 rows: 39 training, 6 validation, 15 test, int32 ids of the tokenizer length, classes sorted', async () => {
    const dataset = await build({ path: 'messages.jsonl' });
    const [train, validation, test] = [dataset.train, dataset.validation!, dataset.test] as DataSplit[];
    expect([train.count, validation.count, test.count]).toEqual([39, 6, 15]);
    expect(dataset.inputShape).toEqual([6]);
    expect(dataset.inputDtype).toBe('int32');
    expect(dataset.classNames).toEqual(['ham', 'spam']);
    expect(train.x).toBeInstanceOf(Int32Array);
    expect(train.x.length).toBe(39 * 6);
    expect(dataset.vocabularySize).toBe(dataset.tokenizer!.state().vocabulary.length);
    expect(dataset.metrics).toEqual({ skippedRows: 0 });
  });

  // split-words.jsonl: 20 rows "shared wordNN", each wordNN in one row only. 13 rows train (20 − 5 test − 2
  // validation), so the vocabulary is padding, unknown, "shared" (13 times) and the 13 training rows' words; every
  // validation and test row encodes its own word as unknown (1).
  it('learns the vocabulary from the training split only', async () => {
    const dataset = await build({ path: 'split-words.jsonl' }, { sequenceLength: 3 });
    const vocabulary = dataset.tokenizer!.state().vocabulary;
    expect(vocabulary.slice(0, 3)).toEqual(['', '<unk>', 'shared']);
    expect(vocabulary.filter((token) => /^word\d\d$/.test(token))).toHaveLength(13);
    expect(vocabulary).toHaveLength(16);
    for (const split of [dataset.validation, dataset.test] as DataSplit[]) {
      for (let i = 0; i < split.count; i++) expect(Array.from(split.x.subarray(i * 3, i * 3 + 3))).toEqual([2, 1, 0]);
    }
    const train = dataset.train as DataSplit;
    const wordIds = Array.from({ length: train.count }, (_, i) => train.x[i * 3 + 1]);
    expect(new Set(wordIds).size).toBe(13);
    expect(wordIds.every((id) => id >= 3)).toBe(true);
  });

  it('labelsPerClass 4: exactly 4 labelled training rows per class, the rest unlabelled; the teacher gets every label', async () => {
    const dataset = await build({ path: 'messages.jsonl', labelsPerClass: 4 });
    const train = dataset.train as DataSplit;
    const kept = labels(train).filter((y) => y !== UNLABELED);
    expect(kept.filter((y) => y === 0)).toHaveLength(4);
    expect(kept.filter((y) => y === 1)).toHaveLength(4);
    expect(labels(train).filter((y) => y === UNLABELED)).toHaveLength(39 - 8);
    const teacher = dataset.teacherTrain as DataSplit;
    expect(teacher.x).toBe(train.x);
    expect(labels(teacher).every((y) => y === 0 || y === 1)).toBe(true);
    // The labelled rows keep the label the teacher sees.
    labels(train).forEach((y, i) => y !== UNLABELED && expect(y).toBe(teacher.y[i]));
  });

  it('reads the CSV fixture (same rows, one cell over two lines) into the same classes and sizes', async () => {
    const dataset = await build({ path: 'messages.csv', textField: 'body', labelField: 'category' });
    expect(dataset.classNames).toEqual(['ham', 'spam']);
    expect([dataset.train.count, dataset.validation!.count, dataset.test.count]).toEqual([39, 6, 15]);
  });

  it('the same params give the same data and fingerprint; another shuffle seed another', async () => {
    const a = await build({ path: 'messages.jsonl' });
    const b = await build({ path: 'messages.jsonl' });
    const c = await build({ path: 'messages.jsonl', shuffleSeed: 1 });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(Array.from((b.train as DataSplit).x)).toEqual(Array.from((a.train as DataSplit).x));
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('skips and counts invalid rows with onInvalid "skip", warning once', async () => {
    const warnings: string[] = [];
    const tokenizer = (await buildPlugin(word, {})) as Tokenizer;
    const dataset = (await buildPlugin(text, { path: join(fixtures, 'some-invalid.jsonl'), onInvalid: 'skip', classes: ['ham', 'spam'] }, { tokenizer }, { warnings: { warn: (m) => warnings.push(m) } })) as Dataset;
    expect(dataset.metrics).toEqual({ skippedRows: 4 });
    expect(dataset.train.count + dataset.validation!.count + dataset.test.count).toBe(60);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^text dataset: skipped 4 invalid rows of .*some-invalid\.jsonl \(line 11: label "eggs" is not one of the classes \(ham, spam\); line 21: not a JSON object/);
  });
});
