import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { crdLoss, crdNormalizers, crdUpdatedMemory, type CrdInputs } from './crd.js';
import { describeGoldenMethod, expectCloseToGolden, readGoldenFixture, type GoldenCase } from '../../../../test/fixtures/golden/golden-fixture.js';

interface Inputs {
  studentFeatures: number[][];
  teacherFeatures: number[][];
  studentKernel: number[][];
  studentBias: number[];
  teacherKernel: number[][];
  teacherBias: number[];
  studentMemory: number[][];
  teacherMemory: number[][];
  sampleIds: number[];
  negativeIndices: number[][];
}
interface Expected {
  estimatedNormalizers: { student: number; teacher: number };
  updatedStudentMemory: number[][];
  updatedTeacherMemory: number[][];
}
type Case = GoldenCase<Inputs, { temperature: number; momentum: number; normalizers: { student: number; teacher: number } }, Expected>;
const golden = readGoldenFixture<Case>('crd');

/** The case's inputs as tensors, under the fixture's names. */
function tensors(c: Case): Record<keyof Inputs, tf.Tensor> {
  const i = c.inputs;
  return {
    studentFeatures: tf.tensor2d(i.studentFeatures),
    teacherFeatures: tf.tensor2d(i.teacherFeatures),
    studentKernel: tf.tensor2d(i.studentKernel),
    studentBias: tf.tensor1d(i.studentBias),
    teacherKernel: tf.tensor2d(i.teacherKernel),
    teacherBias: tf.tensor1d(i.teacherBias),
    studentMemory: tf.tensor2d(i.studentMemory),
    teacherMemory: tf.tensor2d(i.teacherMemory),
    sampleIds: tf.tensor1d(i.sampleIds, 'int32'),
    negativeIndices: tf.tensor2d(i.negativeIndices, undefined, 'int32'),
  };
}

function crdInputs(t: Record<string, tf.Tensor | tf.Tensor[]>): CrdInputs {
  const [studentKernel, studentBias, teacherKernel, teacherBias] = [t.studentKernel, t.studentBias, t.teacherKernel, t.teacherBias] as tf.Tensor[];
  return {
    ...(t as unknown as CrdInputs),
    studentHead: { kernel: studentKernel as tf.Tensor2D, bias: studentBias as tf.Tensor1D },
    teacherHead: { kernel: teacherKernel as tf.Tensor2D, bias: teacherBias as tf.Tensor1D },
  };
}

describeGoldenMethod(
  golden,
  (c) => ({
    loss: (x) => crdLoss(crdInputs(x), c.params),
    inputs: tensors(c),
    expected: c.expected,
    // Both embedding heads train; the teacher's network, hence its features, does not.
    trained: ['studentFeatures', 'studentKernel', 'studentBias', 'teacherKernel', 'teacherBias'],
    frozen: ['teacherFeatures'],
  }),
  () => {
    golden.cases.forEach((c) => {
      it(`${c.name}: the first-batch normalisers and the momentum-updated banks match the reference`, () => {
        const t = tensors(c);
        const before = tf.memory().numTensors;
        const z = crdNormalizers(crdInputs(t), c.params.temperature);
        const banks = crdUpdatedMemory(crdInputs(t), c.params.momentum);
        expect(tf.memory().numTensors, 'only the four results are new').toBe(before + 4);
        // Z is of order 1e4 to 1e6, which float32 holds to about 1e-7 relative: compare relative to it.
        expect(Math.abs(z.student.dataSync()[0] / c.expected.estimatedNormalizers.student - 1)).toBeLessThan(1e-5);
        expect(Math.abs(z.teacher.dataSync()[0] / c.expected.estimatedNormalizers.teacher - 1)).toBeLessThan(1e-5);
        expectCloseToGolden(banks.studentMemory, c.expected.updatedStudentMemory, 'student bank');
        expectCloseToGolden(banks.teacherMemory, c.expected.updatedTeacherMemory, 'teacher bank');
        tf.dispose([z.student, z.teacher, banks.studentMemory, banks.teacherMemory, ...Object.values(t)]);
      });
    });

    it('refuses float sample ids and negatives of another batch, saying what it expected', () => {
      const t = tensors(golden.cases[0]);
      const floatIds = tf.tensor1d([0, 1, 2, 3]);
      const shortNegatives = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
      expect(() => crdLoss({ ...crdInputs(t), sampleIds: floatIds })).toThrow(/sample ids must be int32 \[4\], got float32 \[4\]/);
      expect(() => crdLoss({ ...crdInputs(t), negativeIndices: shortNegatives })).toThrow(/negative indices must be int32 \[4, N ≥ 1\], got int32 \[2,3\]/);
      tf.dispose([floatIds, shortNegatives, ...Object.values(t)]);
    });
  },
);
