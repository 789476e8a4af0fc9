// The `text` dataset through the real CLI: bad files (not UTF-8, an over-long line, a label outside the classes, an
// empty file, a missing column, no tokenizer) stop `distill validate` with the file and line and no stack trace; with
// onInvalid "skip" a run leaves bad rows out and counts them in run.log and summary.json; the tokenizer's vocabulary
// is saved beside the student; a vocabulary larger than the student's embedding is refused at its param.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, writeManifest } from './support/cli.js';

const fixtures = join(repoRoot, 'test/fixtures/text');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function textManifest(file: string, params: Record<string, unknown> = {}, student: Record<string, unknown> = {}): string {
  const manifest = writeManifest({
    name: 'text-small',
    seed: 3,
    dataset: { type: 'text', params: { path: join(fixtures, file), testFraction: 0.25, ...params }, tokenizer: { type: 'word', params: { sequenceLength: 8 } } },
    teacher: { type: 'embedding-bag', params: { hidden: [8] }, train: { epochs: 2, batchSize: 8 } },
    student: { type: 'embedding-bag', params: { embeddingDim: 4, ...student } },
    losses: [{ type: 'kl-divergence', weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }],
    training: { epochs: 2, batchSize: 8 },
  });
  dirs.push(dirname(manifest));
  return manifest;
}

async function validateError(manifest: string): Promise<string> {
  const result = await runCli(['validate', manifest]);
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return result.stderr;
}

describe('text dataset: bad input is refused with its file and line', () => {
  it('a line that is not UTF-8: the line and the byte', async () => {
    const manifest = textManifest('bad-utf8.jsonl');
    expect(await validateError(manifest)).toBe(
      `${manifest}:4:14: /dataset: ${join(fixtures, 'bad-utf8.jsonl')}:3: not valid UTF-8 text (byte 14 of the line); save the file as UTF-8; hint: fix the row, or set onInvalid to "skip" to leave bad rows out\n`,
    );
  });

  it('a line over maxLineBytes', async () => {
    const manifest = textManifest('long-line.jsonl', { maxLineBytes: 100 });
    expect(await validateError(manifest)).toContain(`${join(fixtures, 'long-line.jsonl')}:4: the line is 179 bytes long, over maxLineBytes 100;`);
  });

  it('a label that is not one of the classes', async () => {
    const manifest = textManifest('unknown-label.jsonl', { classes: ['ham', 'spam'] });
    expect(await validateError(manifest)).toContain(
      `${join(fixtures, 'unknown-label.jsonl')}:5: label "eggs" is not one of the classes (ham, spam); hint: fix the label, add it to classes, or set onInvalid to "skip"`,
    );
  });

  it('an empty file', async () => {
    const manifest = textManifest('empty.jsonl');
    expect(await validateError(manifest)).toContain(`${join(fixtures, 'empty.jsonl')} is empty: a text dataset needs one row per sample; hint: one JSON object per line`);
  });

  it('a CSV without the column named by textField', async () => {
    const manifest = textManifest('messages.csv', { labelField: 'category' });
    expect(await validateError(manifest)).toContain(`${join(fixtures, 'messages.csv')}:1: the header has no column "text" (columns: id, body, category)`);
  });

  it('no tokenizer', async () => {
    const manifest = writeManifest({
      name: 'no-tokenizer',
      dataset: { type: 'text', params: { path: join(fixtures, 'messages.jsonl') } },
      teacher: { type: 'embedding-bag' },
      student: { type: 'embedding-bag' },
      losses: [{ type: 'kl-divergence' }],
      training: { epochs: 1 },
    });
    dirs.push(dirname(manifest));
    expect(await validateError(manifest)).toContain('/dataset: the text dataset needs a tokenizer to turn its text into token ids; hint: add "tokenizer": { "type": "word" } to the dataset section');
  });

  it('a vocabulary larger than the student embedding, at /student/params/vocabularySize', async () => {
    const manifest = textManifest('messages.jsonl', {}, { vocabularySize: 5 });
    const lines = readFileSync(manifest, 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('"vocabularySize": 5')) + 1;
    const column = lines[line - 1].indexOf('5') + 1;
    expect(await validateError(manifest)).toMatch(
      new RegExp(`^${manifest}:${line}:${column}: /student/params/vocabularySize: the dataset's vocabulary has \\d+ token ids, more than the embedding's 5 rows; hint: raise vocabularySize to \\d+`),
    );
  });

  it('sequences of another length than the teacher expects, at /teacher/params/sequenceLength', async () => {
    const manifest = textManifest('messages.jsonl');
    const result = await runCli(['validate', manifest, '--set', 'teacher.params.sequenceLength=16']);
    expect(result.stderr).toBe(
      "--set teacher.params.sequenceLength=16: /teacher/params/sequenceLength: the dataset's sequences have 8 token ids, not 16; hint: make it the tokenizer's sequenceLength, or leave it out\n",
    );
    expect(result.code).toBe(2);
  });
});

describe('text dataset: good files', () => {
  it('a CSV with quoted cells over two lines validates with textField and labelField', async () => {
    const result = await runCli(['validate', textManifest('messages.csv', { textField: 'body', labelField: 'category' })]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^ok: text-small: text teacher embedding-bag -> student embedding-bag/);
    expect(result.code).toBe(0);
  });

  // 64 lines, 4 bad (a label outside the classes, broken JSON, no text, not UTF-8): 60 rows, of which
  // floor(60 · 0.25) = 15 test, floor(60 · 0.1) = 6 validation, 39 training.
  it('onInvalid "skip": a run leaves the 4 bad rows out, says so in run.log, counts them in summary.json and saves the vocabulary', async () => {
    const manifest = textManifest('some-invalid.jsonl', { onInvalid: 'skip', labelsPerClass: 5, classes: ['ham', 'spam'] });
    const out = join(dirname(manifest), 'runs');
    const result = await runCli(['run', manifest, '--out', out]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    const runDir = join(out, readdirSync(out)[0]);
    const log = readFileSync(join(runDir, 'run.log'), 'utf8');
    expect(log).toContain(`text dataset: skipped 4 invalid rows of ${join(fixtures, 'some-invalid.jsonl')} (line 11: label`);
    expect(log).toContain('dataset text: 39 train, 6 validation, 15 test, 2 classes');
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('FINISHED');
    expect(summary.metrics['dataset/skippedRows']).toBe(4);
    const tokenizer = JSON.parse(readFileSync(join(runDir, 'student/tokenizer.json'), 'utf8'));
    expect(tokenizer.type).toBe('word');
    expect(tokenizer.vocabulary.slice(0, 2)).toEqual(['', '<unk>']);
    expect(tokenizer.sequenceLength).toBe(8);
    expect(tokenizer.vocabularySize).toBe(tokenizer.vocabulary.length);
    expect(summary.artifacts).toContain('student/tokenizer.json');
    expect(existsSync(join(runDir, 'student/model.json'))).toBe(true);
  });
});
