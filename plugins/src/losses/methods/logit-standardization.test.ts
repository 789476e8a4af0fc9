import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { logitStandardizedDkdLoss, logitStandardizedKdLoss, standardizeLogits } from './logit-standardization.js';
import { describeGoldenMethod, expectCloseToGolden, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

type Params = { temperature: number; epsilon: number; alpha: number; beta: number };
type Case = GoldenCase<{ studentLogits: number[][]; teacherLogits: number[][]; labels?: number[] }, Params> & { kind: 'kd' | 'dkd' };
const golden = readGoldenFixture<Case, { zScores: { epsilon: number; logits: number[][]; standardized: number[][] } }>('logit-standardization');

describeGoldenMethod(
  golden,
  (c) => ({
    loss: ({ studentLogits, teacherLogits, labels }) =>
      c.kind === 'dkd'
        ? logitStandardizedDkdLoss(studentLogits as tf.Tensor2D, teacherLogits as tf.Tensor2D, labels as tf.Tensor1D, c.params)
        : logitStandardizedKdLoss(studentLogits as tf.Tensor2D, teacherLogits as tf.Tensor2D, c.params),
    inputs: {
      studentLogits: tf.tensor2d(c.inputs.studentLogits),
      teacherLogits: tf.tensor2d(c.inputs.teacherLogits),
      labels: tf.tensor1d(c.inputs.labels ?? [], 'int32'),
    },
    expected: c.expected,
    trained: ['studentLogits'],
    frozen: ['teacherLogits'],
  }),
  () => {
    it('covers KD and DKD on standardised logits', () => expect(golden.cases.map((c) => c.kind).sort()).toEqual(['dkd', 'kd']));

    it('gives the reference z-scores: mean 0 and population standard deviation 1 per sample', () => {
      const logits = tf.tensor2d(golden.zScores.logits);
      const z = standardizeLogits(logits, golden.zScores.epsilon);
      expectCloseToGolden(z, golden.zScores.standardized, 'z-scores');
      const { mean, variance } = tf.moments(z, 1);
      Array.from(mean.dataSync()).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-6));
      Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 5));
      tf.dispose([logits, z, mean, variance]);
    });

    it('makes KD blind to the logits’ scale and offset', () => {
      const teacher = tf.tensor2d([[3, 1, -2, 0]]);
      const student = tf.tensor2d([[0.3, 0.1, -0.2, 0]]).add(7) as tf.Tensor2D; // a tenth of the teacher's, shifted
      const loss = logitStandardizedKdLoss(student, teacher);
      expect(loss.dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([teacher, student, loss]);
    });
  },
);
