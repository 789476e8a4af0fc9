import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fitnetsHintLoss } from './fitnets.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase, type Nested } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ regressedStudent: Nested; teacherHint: Nested }>;

describeGoldenMethod(
  readGoldenFixture<Case>('fitnets'),
  (c) => ({
    loss: ({ regressedStudent, teacherHint }) => fitnetsHintLoss(regressedStudent as tf.Tensor, teacherHint as tf.Tensor),
    inputs: { regressedStudent: tf.tensor(c.inputs.regressedStudent as number[]), teacherHint: tf.tensor(c.inputs.teacherHint as number[]) },
    expected: c.expected,
    trained: ['regressedStudent'],
    frozen: ['teacherHint'],
  }),
  () => {
    it('refuses a regressed map that does not have the hint’s shape', () => {
      const student = tf.zeros([2, 4, 4, 8]);
      const hint = tf.zeros([2, 4, 4, 16]);
      expect(() => fitnetsHintLoss(student, hint)).toThrow(/regressed student map \[2,4,4,8\] must have the teacher hint's shape \[2,4,4,16\]/);
      tf.dispose([student, hint]);
    });
  },
);
