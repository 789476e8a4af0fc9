// Tests of the `cosine-hint` loss: its math against values worked out by hand, its projection training, its checks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend, type DistillModel, type LossInputs, type SemanticCheckContext } from '@distill/core';
import cosineHint, { cosineDistance } from './cosine-hint.js';

/** Only the declared layers matter to this loss: models with a layer list and no weights. */
function declared(layers: Record<string, number>): DistillModel {
  return { model: undefined as never, layers: Object.entries(layers).map(([name, width]) => ({ name, width })), pretrained: false };
}

const models = { teacher: declared({ hidden1: 4, logits: 3 }), student: declared({ hidden1: 2, logits: 3 }) };

function inputs(student: number[][], teacher: number[][]): LossInputs {
  return {
    studentLogits: tf.zeros([student.length, 3]) as tf.Tensor2D,
    studentFeatures: { hidden1: tf.tensor2d(student) },
    teacherFeatures: { hidden1: tf.tensor2d(teacher) },
    teachers: {},
    labels: tf.zeros([student.length], 'int32') as tf.Tensor1D,
    labelMask: tf.zeros([student.length]) as tf.Tensor1D,
    sampleIds: tf.range(0, student.length, 1, 'int32') as tf.Tensor1D,
    epoch: 0,
    step: 0,
    epochs: 1,
  };
}

const valueOf = (tensor: tf.Tensor) => tensor.dataSync()[0];

beforeAll(async () => {
  await initBackend('cpu');
});

describe('cosineDistance', () => {
  it('is 0 for rows pointing the same way whatever their length, 1 for orthogonal rows, 2 for opposite ones', () => {
    expect(valueOf(cosineDistance(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 6]])))).toBeCloseTo(0, 6);
    expect(valueOf(cosineDistance(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 5]])))).toBeCloseTo(1, 6);
    expect(valueOf(cosineDistance(tf.tensor2d([[1, -1]]), tf.tensor2d([[-2, 2]])))).toBeCloseTo(2, 6);
  });

  it('averages over the batch: rows at 60° and at 90° give (0.5 + 1) / 2', () => {
    const student = tf.tensor2d([[1, 0], [1, 0]]);
    const teacher = tf.tensor2d([[0.5, Math.sqrt(3) / 2], [0, 1]]);
    expect(valueOf(cosineDistance(student, teacher))).toBeCloseTo(0.75, 6);
  });

  it('stays finite, in value and gradient, for a row of zeros', () => {
    const teacher = tf.tensor2d([[1, 2]]);
    const gradient = tf.grad((student: tf.Tensor) => cosineDistance(student as tf.Tensor2D, teacher))(tf.zeros([1, 2]));
    expect(valueOf(cosineDistance(tf.zeros([1, 2]) as tf.Tensor2D, teacher))).toBeCloseTo(1, 6);
    expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe('cosine-hint loss', () => {
  it('asks for the two layers and owns a trainable projection from the student width to the teacher width', async () => {
    const loss = await buildPlugin(cosineHint, { teacherLayer: 'hidden1', studentLayer: 'hidden1' }, { models, seed: 3 });
    expect(loss.requires).toEqual({ teacherLayers: ['hidden1'], studentLayers: ['hidden1'] });
    expect(loss.variables!.map((variable) => variable.shape)).toEqual([[2, 4], [4]]);
    const value = loss.compute(inputs([[1, 0], [0, 1]], [[1, 2, 3, 4], [4, 3, 2, 1]]));
    expect([value.shape, value.dtype]).toEqual([[], 'float32']);
    expect(valueOf(value)).toBeGreaterThanOrEqual(0);
    expect(valueOf(value)).toBeLessThanOrEqual(2);
    loss.dispose!();
  });

  it('learns: training the projection alone brings the student features into line with the teacher', async () => {
    const loss = await buildPlugin(cosineHint, { teacherLayer: 'hidden1', studentLayer: 'hidden1' }, { models, seed: 3 });
    const batch = inputs([[1, 0], [0, 1], [1, 1]], [[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 1, 1]]);
    const before = valueOf(loss.compute(batch));
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 200; step++) optimizer.minimize(() => loss.compute(batch), false, [...loss.variables!]);
    expect(before).toBeGreaterThan(0.1);
    expect(valueOf(loss.compute(batch))).toBeLessThan(0.05);
    loss.dispose!();
  });

  it('without a projection compares the layers as they are', async () => {
    const same = { teacher: declared({ hidden1: 2 }), student: declared({ hidden1: 2 }) };
    const loss = await buildPlugin(cosineHint, { teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'none' }, { models: same });
    expect(loss.variables).toEqual([]);
    expect(valueOf(loss.compute(inputs([[1, 0]], [[0, 3]])))).toBeCloseTo(1, 6);
  });

  it('reports a layer the model lacks with a did-you-mean, and unequal widths without a projection', async () => {
    const context: SemanticCheckContext = { teacher: async () => models.teacher, student: async () => models.student, dataset: async () => ({ inputShape: [2], numClasses: 3 }) };
    expect(await cosineHint.check!({ teacherLayer: 'hiden1', studentLayer: 'hidden1', projection: 'linear' }, context)).toEqual([
      { pointer: '/teacherLayer', message: 'the teacher has no layer "hiden1"; its layers are: hidden1, logits', hint: 'did you mean "hidden1"?' },
    ]);
    expect(await cosineHint.check!({ teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'none' }, context)).toEqual([
      { pointer: '/projection', message: '"none" needs equal widths, but the student layer has 2 and the teacher layer 4', hint: 'use "linear"' },
    ]);
  });
});
