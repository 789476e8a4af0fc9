// One whole CNN distillation workload on the backend under test and on cpu: a residual teacher with batch
// normalization takes training steps on hard labels, and a CNN student (max pooling, batch normalization, dropout)
// takes knowledge-distillation steps on KL·T² + cross-entropy + a feature MSE between a student conv block and a
// teacher block. Every step's losses, and the weights after the steps, must agree to 1e-4.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../random/seeded-random.js';
import { backendReady, REFERENCE_BACKEND } from './backend-under-test.js';
import { RELATIVE_TOLERANCE, relativeError } from './compare-backends.js';

const IMAGE = [12, 12, 1];
const CLASSES = 5;
const BATCH = 6;
const STEPS = 3;
const TEMPERATURE = 4;

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

/** conv-BN-relu, a basic residual block, a strided block (`block2`, [6, 6, 16]), global average pooling, logits. */
function teacher(): tf.LayersModel {
  const input = tf.input({ shape: IMAGE });
  const convBn = (x: tf.SymbolicTensor, filters: number, strides: number, seed: number, relu = true) => {
    const conv = apply(tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: seeded(seed) }), x);
    const normalized = apply(tf.layers.batchNormalization({}), conv);
    return relu ? apply(tf.layers.reLU({}), normalized) : normalized;
  };
  const stem = convBn(input, 8, 1, 1);
  const residual = convBn(convBn(stem, 8, 1, 2), 8, 1, 3, false);
  const block1 = apply(tf.layers.reLU({ name: 'block1' }), apply(tf.layers.add({}), [stem, residual]));
  const block2 = apply(tf.layers.activation({ activation: 'linear', name: 'block2' }), convBn(block1, 16, 2, 4));
  const pooled = apply(tf.layers.globalAveragePooling2d({}), block2);
  const logits = apply(tf.layers.dense({ units: CLASSES, kernelInitializer: seeded(5) }), pooled);
  return tf.model({ inputs: input, outputs: [logits, block2] });
}

/** conv-elu, 2×2 max pooling, conv-BN-relu (`conv2`, [6, 6, 16]), 2×2 average pooling, dropout, logits. */
function student(): tf.LayersModel {
  const input = tf.input({ shape: IMAGE });
  // elu, not relu: max pooling then sees windows of negative values whose gradient is not zero.
  let x = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'elu', kernelInitializer: seeded(11) }), input);
  x = apply(tf.layers.maxPooling2d({ poolSize: 2 }), x);
  // No bias before batch normalization: its gradient is zero up to rounding, so the bias would compare noise.
  x = apply(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeded(12) }), x);
  const conv2 = apply(tf.layers.reLU({ name: 'conv2' }), apply(tf.layers.batchNormalization({}), x));
  x = apply(tf.layers.averagePooling2d({ poolSize: 2 }), conv2);
  x = apply(tf.layers.flatten({}), x);
  x = apply(tf.layers.dropout({ rate: 0.25, seed: 13 }), x);
  const logits = apply(tf.layers.dense({ units: CLASSES, kernelInitializer: seeded(14) }), x);
  return tf.model({ inputs: input, outputs: [logits, conv2] });
}

function batch() {
  const random = seededRandom(99);
  const images = Float32Array.from({ length: BATCH * IMAGE[0] * IMAGE[1] }, () => random.normal());
  const labels = Int32Array.from({ length: BATCH }, () => random.int(CLASSES));
  return { images, labels };
}

const kl = (studentLogits: tf.Tensor, teacherLogits: tf.Tensor) => {
  const p = tf.softmax(teacherLogits.div(TEMPERATURE));
  return p.mul(tf.log(p).sub(tf.logSoftmax(studentLogits.div(TEMPERATURE)))).sum(-1).mean().mul(TEMPERATURE ** 2) as tf.Scalar;
};

interface Trace {
  losses: Record<string, number>[];
  weights: Float32Array[];
}

/** The teacher's and the student's training steps on one backend, from the same seeded weights and data. */
async function train(backendName: string): Promise<Trace> {
  await tf.setBackend(backendName);
  const data = batch();
  const models = { teacher: teacher(), student: student() };
  const optimizers = { teacher: tf.train.sgd(0.05), student: tf.train.sgd(0.05) };
  const variables = (model: tf.LayersModel) => model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: Record<string, number>[] = [];
  const x = tf.tensor4d(data.images, [BATCH, ...IMAGE] as [number, number, number, number]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), CLASSES);
  for (let step = 0; step < STEPS; step++) {
    const record: Record<string, number> = {};
    const teacherLoss = optimizers.teacher.minimize(() => {
      const [logits] = models.teacher.apply(x, { training: true }) as tf.Tensor[];
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, true, variables(models.teacher))!;
    record['teacher/ce'] = teacherLoss.dataSync()[0];
    const [teacherLogits, teacherBlock] = models.teacher.predict(x) as tf.Tensor[];
    const total = optimizers.student.minimize(() => {
      const [logits, features] = models.student.apply(x, { training: true }) as tf.Tensor[];
      const terms = { kl: kl(logits, teacherLogits), ce: tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar, feature: tf.losses.meanSquaredError(teacherBlock, features) as tf.Scalar };
      for (const [name, value] of Object.entries(terms)) record[`student/${name}`] = value.dataSync()[0];
      return terms.kl.mul(0.6).add(terms.ce.mul(0.3)).add(terms.feature.mul(0.1)) as tf.Scalar;
    }, true, variables(models.student))!;
    record['student/total'] = total.dataSync()[0];
    losses.push(record);
    tf.dispose([teacherLoss, teacherLogits, teacherBlock, total]);
  }
  const weights = [...models.teacher.getWeights(), ...models.student.getWeights()].map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  models.teacher.dispose();
  models.student.dispose();
  Object.values(optimizers).forEach((optimizer) => optimizer.dispose());
  return { losses, weights };
}

describe('a CNN knowledge-distillation workload', () => {
  it(`gives the same losses at each of ${STEPS} steps, and the same weights after them, as the cpu backend`, async () => {
    const backend = await backendReady();
    const expected = await train(REFERENCE_BACKEND);
    const actual = await train(backend);
    const lossErrors = expected.losses.flatMap((record, step) =>
      Object.entries(record)
        .map(([term, value]) => ({ step, term, value, actual: actual.losses[step][term] }))
        .filter(({ value, actual: got }) => !(Math.abs(got - value) <= RELATIVE_TOLERANCE * Math.abs(value))),
    );
    expect(lossErrors).toEqual([]);
    // The losses moved: the steps trained something (a frozen step would compare equal trivially).
    expect(expected.losses[STEPS - 1]['student/total']).toBeLessThan(expected.losses[0]['student/total']);
    expect(expected.losses[STEPS - 1]['teacher/ce']).toBeLessThan(expected.losses[0]['teacher/ce']);
    const weightErrors = expected.weights.map((w, i) => ({ weight: i, ...relativeError(actual.weights[i], w) })).filter((e) => !(e.relative <= RELATIVE_TOLERANCE));
    expect(weightErrors).toEqual([]);
    expect(actual.weights.length).toBe(expected.weights.length);
  });
});
