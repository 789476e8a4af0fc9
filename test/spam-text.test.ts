// experiments/spam-text.json end to end through the real CLI, shrunk with --set to a few hundred real SpamAssassin
// e-mails and one short epoch per stage: teacher, student and baseline trained and measured, the vocabulary saved
// beside the student, and the saved student and vocabulary classify new text outside distill.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@distill/core';
import { fittedWordTokenizer, type WordTokenizerParams } from '../plugins/src/tokenizers/word.js';
import '../plugins/src/models/masked-mean.js';
import { loadModelFiles } from '../core/src/io/model-files.js';
import { runCli } from './support/cli.js';

const out = mkdtempSync(join(tmpdir(), 'spam-text-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const tiny = [
  'dataset.params.maxSamples=400',
  'dataset.params.maxChars=400',
  'dataset.params.labelsPerClass=5',
  'dataset.tokenizer.params.sequenceLength=32',
  'dataset.tokenizer.params.maxVocabulary=500',
  'teacher.params.filters=8',
  'teacher.params.embeddingDim=8',
  'teacher.train.epochs=2',
  'training.epochs=2',
];

describe('experiments/spam-text.json', () => {
  it('distills a text-cnn teacher into an embedding-bag student on real SpamAssassin e-mails', async () => {
    const result = await runCli(['run', 'experiments/spam-text.json', '--out', out, '--quiet', '--json', ...tiny.flatMap((set) => ['--set', set])]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { metrics: Record<string, number>; stages: Record<string, unknown>; artifacts: string[] };
    expect(Object.keys(summary.stages)).toEqual(['teacher', 'student', 'baseline']);
    for (const key of ['teacher/test/accuracy', 'student/test/accuracy', 'baseline/test/accuracy', 'student/test/agreement']) {
      expect(summary.metrics[key], key).toBeGreaterThan(0);
      expect(summary.metrics[key], key).toBeLessThanOrEqual(1);
    }
    expect(summary.metrics['student/parameters']).toBeLessThan(summary.metrics['teacher/parameters']);
    expect(summary.artifacts).toContain('student/tokenizer.json');

    // The student and its vocabulary, used outside distill on new text.
    const runDir = join(out, readdirSync(out)[0]);
    const saved = JSON.parse(readFileSync(join(runDir, 'student/tokenizer.json'), 'utf8')) as { params: WordTokenizerParams; vocabulary: string[]; vocabularySize: number; sequenceLength: number };
    expect(saved.sequenceLength).toBe(32);
    expect(saved.vocabularySize).toBeLessThanOrEqual(502);
    const tokenizer = fittedWordTokenizer(saved.vocabulary, saved.params);
    const ids = tokenizer.encode('Click here to claim your FREE prize now!!! Limited offer, reply today.');
    expect(ids.length).toBe(32);
    expect(Math.max(...ids)).toBeLessThan(saved.vocabularySize);
    await initBackend('cpu');
    const student = await loadModelFiles(join(runDir, 'student'));
    const logits = student.predict(tf.tensor2d(ids, [1, 32], 'int32')) as tf.Tensor;
    expect(logits.shape).toEqual([1, 2]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
