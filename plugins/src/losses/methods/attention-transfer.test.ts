import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { attentionMap, attentionTransferLoss, type AttentionTransferParams } from './attention-transfer.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ studentMaps: number[][][][][]; teacherMaps: number[][][][][] }, Required<AttentionTransferParams>>;

describeGoldenMethod(
  readGoldenFixture<Case>('attention-transfer'),
  (c) => ({
    loss: ({ studentMaps, teacherMaps }) => attentionTransferLoss(studentMaps as tf.Tensor4D[], teacherMaps as tf.Tensor4D[], c.params),
    inputs: { studentMaps: c.inputs.studentMaps.map((m) => tf.tensor4d(m)), teacherMaps: c.inputs.teacherMaps.map((m) => tf.tensor4d(m)) },
    expected: c.expected,
    trained: ['studentMaps'],
    frozen: ['teacherMaps'],
  }),
  () => {
    it('gives unit-norm maps that ignore the activations’ scale and sign', () => {
      const maps = tf.tensor4d([[[[1, -2]], [[0, 3]]]]); // one sample, 2×1 positions, 2 channels
      const q = attentionMap(maps);
      const scaled = attentionMap(maps.mul(-5) as tf.Tensor4D);
      // Σ_c A_c² per position: (1 + 4, 0 + 9) = (5, 9), divided by √(25 + 81).
      const [first, second] = Array.from(q.dataSync());
      expect(first).toBeCloseTo(5 / Math.sqrt(106), 6);
      expect(second).toBeCloseTo(9 / Math.sqrt(106), 6);
      Array.from(scaled.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([first, second][i], 6));
      tf.dispose([maps, q, scaled]);
    });

    it('refuses a pair of maps of different spatial sizes, naming both shapes', () => {
      const student = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
      const teacher = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
      expect(() => attentionTransferLoss([student], [teacher], { betas: [1000] })).toThrow(/pair 0: student map \[2,4,4,3\] and teacher map \[2,8,8,3\].*same spatial size/);
      expect(() => attentionTransferLoss([student], [student], { betas: [] })).toThrow(/one β per layer pair/);
      tf.dispose([student, teacher]);
    });
  },
);
