import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { dkdLoss, dkdTerms, dkdWarmupFactor, type DkdParams } from './dkd.js';
import { klDivergence } from '../kl-divergence.js';
import { describeGoldenMethod, expectCloseToGolden, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ studentLogits: number[][]; teacherLogits: number[][]; labels: number[] }, Required<DkdParams>, { tckd: number; nckd: number }>;
const golden = readGoldenFixture<Case, { warmUp: { epoch: number; warmupEpochs: number; factor: number }[] }>('dkd');

describeGoldenMethod(
  golden,
  (c) => ({
    loss: ({ studentLogits, teacherLogits, labels }) => dkdLoss(studentLogits as tf.Tensor2D, teacherLogits as tf.Tensor2D, labels as tf.Tensor1D, c.params),
    inputs: { studentLogits: tf.tensor2d(c.inputs.studentLogits), teacherLogits: tf.tensor2d(c.inputs.teacherLogits), labels: tf.tensor1d(c.inputs.labels, 'int32') },
    expected: c.expected,
    trained: ['studentLogits'],
    frozen: ['teacherLogits'],
  }),
  () => {
    golden.cases.forEach((c) => {
      it(`${c.name}: TCKD and NCKD match the reference, and TCKD + (1 − p_t) · NCKD is classical KD`, () => {
        const [student, teacher] = [tf.tensor2d(c.inputs.studentLogits), tf.tensor2d(c.inputs.teacherLogits)];
        const labels = tf.tensor1d(c.inputs.labels, 'int32');
        const { tckd, nckd } = dkdTerms(student, teacher, labels, c.params.temperature);
        expectCloseToGolden(tckd, c.expected.tckd, 'TCKD');
        expectCloseToGolden(nckd, c.expected.nckd, 'NCKD');
        // Per sample, KD = TCKD + (1 − p_t^T) · NCKD (§3.1); on a batch of one sample the batch means are that sample's.
        const one = (t: tf.Tensor2D) => t.slice([0, 0], [1, -1]);
        const single = dkdTerms(one(student), one(teacher), labels.slice([0], [1]), c.params.temperature);
        const teacherTarget = tf.softmax(one(teacher).div(c.params.temperature)).dataSync()[c.inputs.labels[0]];
        const kd = klDivergence(one(teacher), one(student), c.params.temperature, true);
        expect(single.tckd.dataSync()[0] + (1 - teacherTarget) * single.nckd.dataSync()[0]).toBeCloseTo(kd.dataSync()[0], 4);
        tf.dispose([student, teacher, labels, tckd, nckd, single.tckd, single.nckd, kd]);
      });
    });

    it('stays finite for a teacher far more confident than float32 softmax can express', () => {
      const student = tf.tensor2d([[0, 1, 2]]);
      const teacher = tf.tensor2d([[500, -500, 0]]);
      const labels = tf.tensor1d([0], 'int32');
      const { tckd, nckd } = dkdTerms(student, teacher, labels, 1);
      expect(Number.isFinite(tckd.dataSync()[0]) && Number.isFinite(nckd.dataSync()[0])).toBe(true);
      // NCKD among classes 1 and 2: the teacher puts all its mass on class 2, the student softmax([1, 2]) gives it e²/(e + e²).
      expect(nckd.dataSync()[0]).toBeCloseTo(-Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2))), 5);
      tf.dispose([student, teacher, labels, tckd, nckd]);
    });

    it('warms up linearly over the first epochs as the reference does', () => {
      for (const { epoch, warmupEpochs, factor } of golden.warmUp) expect(dkdWarmupFactor(epoch, warmupEpochs)).toBeCloseTo(factor, 12);
    });

    it('refuses labels that are not one int32 class per sample', () => {
      const logits = tf.zeros([3, 4]) as tf.Tensor2D;
      const floats = tf.tensor1d([0, 1, 2]);
      const short = tf.tensor1d([0, 1], 'int32');
      expect(() => dkdLoss(logits, logits, floats)).toThrow(/labels must be int32/);
      expect(() => dkdLoss(logits, logits, short)).toThrow(/one label per sample; got student \[3,4\], teacher \[3,4\], labels \[2\]/);
      tf.dispose([logits, floats, short]);
    });
  },
);
