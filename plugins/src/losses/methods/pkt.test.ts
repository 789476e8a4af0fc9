import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { neighbourProbabilities, pktLoss } from './pkt.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ student: number[][]; teacher: number[][] }, { epsilon: number }>;

describeGoldenMethod(
  readGoldenFixture<Case>('pkt'),
  (c) => ({
    loss: ({ student, teacher }) => pktLoss(student as tf.Tensor2D, teacher as tf.Tensor2D, c.params),
    inputs: { student: tf.tensor2d(c.inputs.student), teacher: tf.tensor2d(c.inputs.teacher) },
    expected: c.expected,
    trained: ['student'],
    frozen: ['teacher'],
  }),
  () => {
    it('gives each sample a distribution over the other samples', () => {
      const features = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
      const p = neighbourProbabilities(features);
      // Column j: p_{i|j} over i ≠ j. Kernels ½(cos + 1): (0,1) 0.5, (0,2) 0, (1,2) 0.5.
      const expected = [[0, 0.5, 0], [1, 0, 1], [0, 0.5, 0]];
      Array.from(p.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[Math.floor(i / 3)][i % 3], 6));
      tf.dispose([features, p]);
    });

    it('is zero when the student’s relations are the teacher’s, whatever the scale', () => {
      const teacher = tf.tensor2d([[1, 2, 0, 0], [0, 1, 1, 0], [3, 0, 0, 1]]);
      const student = teacher.mul(2) as tf.Tensor2D;
      const loss = pktLoss(student, teacher);
      expect(Math.abs(loss.dataSync()[0])).toBeLessThan(1e-6);
      tf.dispose([teacher, student, loss]);
    });
  },
);
