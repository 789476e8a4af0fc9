import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { similarityMatrix, similarityPreservingLoss } from './similarity-preserving.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase, type Nested } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ studentMaps: Nested[]; teacherMaps: Nested[] }>;

describeGoldenMethod(
  readGoldenFixture<Case>('similarity-preserving'),
  (c) => ({
    loss: ({ studentMaps, teacherMaps }) => similarityPreservingLoss(studentMaps as tf.Tensor[], teacherMaps as tf.Tensor[]),
    inputs: { studentMaps: c.inputs.studentMaps.map((m) => tf.tensor(m as number[])), teacherMaps: c.inputs.teacherMaps.map((m) => tf.tensor(m as number[])) },
    expected: c.expected,
    trained: ['studentMaps'],
    frozen: ['teacherMaps'],
  }),
  () => {
    it('normalises each row of the batch’s similarity matrix', () => {
      const activations = tf.tensor2d([[1, 0], [1, 1]]);
      const g = similarityMatrix(activations); // Q·Qᵀ = [[1, 1], [1, 2]] → rows / (√2, √5)
      const expected = [1 / Math.SQRT2, 1 / Math.SQRT2, 1 / Math.sqrt(5), 2 / Math.sqrt(5)];
      Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      tf.dispose([activations, g]);
    });

    it('refuses layers of different batch sizes', () => {
      const [a, b] = [tf.zeros([4, 3]), tf.zeros([5, 3])];
      expect(() => similarityPreservingLoss([a], [b])).toThrow(/student \[4,3\] and teacher \[5,3\] must have the same batch size/);
      tf.dispose([a, b]);
    });
  },
);
