// Several teachers measured as one: the ensemble scorer averages their probabilities (softmax of a model's logits, a
// source's probabilities as they are), and leaves no tensor behind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/select-backend.js';
import type { Scorer } from '../evaluation/evaluate-split.js';
import { ensembleScorer } from './final-evaluation.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const fixed = (scores: Scorer['scores'], rows: number[][]): Scorer => ({ scores, predict: async () => tf.tensor2d(rows) });

describe('ensembleScorer', () => {
  it('gives the mean of the members\' probabilities', async () => {
    const logits = [[2, 0, -1], [0, 0, 0]];
    const probabilities = [[0, 1, 0], [0.2, 0.3, 0.5]];
    const softmax = (row: number[]) => row.map((x) => Math.exp(x) / row.reduce((sum, y) => sum + Math.exp(y), 0));
    const expected = logits.map((row, r) => softmax(row).map((p, c) => (p + probabilities[r][c]) / 2));
    const ensemble = ensembleScorer([fixed('logits', logits), fixed('probabilities', probabilities)]);
    expect(ensemble.scores).toBe('probabilities');
    const scores = await ensemble.predict(tf.zeros([2, 4]), tf.tensor1d([0, 1], 'int32'));
    (await scores.array()).flat().forEach((value, i) => expect(value).toBeCloseTo(expected.flat()[i], 6));
    scores.dispose();
  });

  it('leaves only its result behind', async () => {
    const ensemble = ensembleScorer([fixed('logits', [[1, 2]]), fixed('logits', [[3, 1]])]);
    const inputs = tf.zeros([1, 4]);
    const ids = tf.tensor1d([0], 'int32');
    const before = tf.memory().numTensors;
    const scores = await ensemble.predict(inputs, ids);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([scores, inputs, ids]);
  });
});
