import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { rkdAngleLoss, rkdDistanceLoss, rkdLoss, type RkdParams } from './rkd.js';
import { describeGoldenMethod, expectCloseToGolden, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ student: number[][]; teacher: number[][] }, Required<RkdParams>, { distance: number; angle: number }>;
const golden = readGoldenFixture<Case>('rkd');

describeGoldenMethod(
  golden,
  (c) => ({
    loss: ({ student, teacher }) => rkdLoss(student as tf.Tensor2D, teacher as tf.Tensor2D, c.params),
    inputs: { student: tf.tensor2d(c.inputs.student), teacher: tf.tensor2d(c.inputs.teacher) },
    expected: c.expected,
    trained: ['student'],
    frozen: ['teacher'],
  }),
  () => {
    golden.cases.forEach((c) => {
      it(`${c.name}: the distance and angle terms match the reference`, () => {
        const student = tf.tensor2d(c.inputs.student);
        const teacher = tf.tensor2d(c.inputs.teacher);
        const [distance, angle] = [rkdDistanceLoss(student, teacher), rkdAngleLoss(student, teacher)];
        expectCloseToGolden(distance, c.expected.distance, 'L_RKD-D');
        expectCloseToGolden(angle, c.expected.angle, 'L_RKD-A');
        tf.dispose([student, teacher, distance, angle]);
      });
    });

    it('is zero for a student batch that is a rotated, scaled copy of the teacher’s', () => {
      const teacher = tf.tensor2d([[0, 0], [1, 0], [0, 2], [3, 1]]);
      const rotation = tf.tensor2d([[0, -3], [3, 0]]); // 90° and ×3: distances scale, normalised distances and angles do not
      const student = teacher.matMul(rotation);
      const loss = rkdLoss(student, teacher);
      expect(loss.dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([teacher, rotation, student, loss]);
    });

    it('refuses a batch too small for triplets', () => {
      const two = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => rkdAngleLoss(two, two)).toThrow(/at least 3 samples; got student \[2,3\]/);
      two.dispose();
    });
  },
);
