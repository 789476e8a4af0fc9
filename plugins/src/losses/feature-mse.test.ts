import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { DistillLoss, DistillModel, SemanticCheckContext } from '@distill/core';
import featureMse from './feature-mse.js';
import { buildPlugin, validatedParams, lossInputs } from '@distill/core';

/** Only `layers` matters to the loss; the LayersModel is never touched. */
const model = (layers: [string, number][]): DistillModel => ({ model: undefined as never, layers: layers.map(([name, width]) => ({ name, width })), pretrained: false });
const teacher = model([['hidden1', 6], ['hidden2', 4], ['logits', 3]]);
const student = model([['hidden1', 2], ['logits', 3]]);
const models = { teacher, student };

const build = async (params: Record<string, unknown>, seed = 1) =>
  (await buildPlugin(featureMse, params, { models, seed, pointer: '/losses/1' })) as DistillLoss;

const checkContext: SemanticCheckContext = { teacher: async () => teacher, student: async () => student, dataset: async () => ({ inputShape: [5], numClasses: 3 }) };
const check = (params: Record<string, unknown>) => featureMse.check!(validatedParams(featureMse, params) as never, checkContext);

describe('feature-mse loss', () => {
  it('asks for the two layers and computes the mean over all batch × width elements', async () => {
    const loss = await build({ teacherLayer: 'logits', studentLayer: 'logits' });
    expect(loss.requires).toEqual({ teacherLayers: ['logits'], studentLayers: ['logits'] });
    expect(loss.variables).toEqual([]);
    const s = [[1, 2, 3], [0, 0, 0]];
    const t = [[1, 0, 3], [1, 1, 1]];
    const value = loss.compute(lossInputs(2, { studentFeatures: { logits: tf.tensor2d(s) }, teacherFeatures: { logits: tf.tensor2d(t) } }));
    expect(value.dataSync()[0]).toBeCloseTo((4 + 1 + 1 + 1) / 6, 6);
  });

  it('with a linear projection owns a trainable student-width × teacher-width map and applies it to the student', async () => {
    const loss = await build({ teacherLayer: 'hidden2', studentLayer: 'hidden1', projection: 'linear' });
    const [kernel, bias] = loss.variables!;
    expect(kernel.shape).toEqual([2, 4]);
    expect(bias.shape).toEqual([4]);
    expect(kernel.trainable && bias.trainable).toBe(true);
    const k = kernel.arraySync() as number[][];
    const s = [[1, -2]];
    const t = [[0.5, 0, -1, 2]];
    const projected = [0, 1, 2, 3].map((j) => s[0][0] * k[0][j] + s[0][1] * k[1][j]);
    const expected = projected.reduce((sum, p, j) => sum + (p - t[0][j]) ** 2, 0) / 4;
    const value = loss.compute(lossInputs(1, { studentFeatures: { hidden1: tf.tensor2d(s) }, teacherFeatures: { hidden2: tf.tensor2d(t) } }));
    expect(value.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose!();
  });

  it('holds only its two variables, and computes without leaking', async () => {
    const before = tf.memory().numTensors;
    const loss = await build({ teacherLayer: 'hidden2', studentLayer: 'hidden1', projection: 'linear' });
    expect(tf.memory().numTensors).toBe(before + 2);
    const inputs = lossInputs(3, { studentFeatures: { hidden1: tf.ones([3, 2]) }, teacherFeatures: { hidden2: tf.ones([3, 4]) } });
    const withInputs = tf.memory().numTensors;
    const value = loss.compute(inputs);
    expect(tf.memory().numTensors).toBe(withInputs + 1);
    value.dispose();
    loss.dispose!();
  });

  it('trains the student side and the projection, never the teacher side', async () => {
    const loss = await build({ teacherLayer: 'hidden2', studentLayer: 'hidden1', projection: 'linear' });
    const s = tf.tensor2d([[1, -2], [0.5, 3]]);
    const t = tf.tensor2d([[0.5, 0, -1, 2], [1, 1, 1, 1]]);
    const f = (sf: tf.Tensor, tf_: tf.Tensor) => loss.compute(lossInputs(2, { studentFeatures: { hidden1: sf as tf.Tensor2D }, teacherFeatures: { hidden2: tf_ as tf.Tensor2D } }));
    const [gradStudent, gradTeacher] = tf.grads(f)([s, t]);
    expect(Array.from(gradTeacher.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Array.from(gradStudent.dataSync()).some((g) => Math.abs(g) > 1e-3)).toBe(true);
    const { grads } = tf.variableGrads(() => f(s, t), loss.variables as tf.Variable[]);
    expect(Object.keys(grads)).toHaveLength(2);
    expect(Object.values(grads).every((g) => g.abs().sum().dataSync()[0] > 0)).toBe(true);
    loss.dispose!();
  });

  it('initialises the projection from the seed: same seed same map, another seed another map', async () => {
    const params = { teacherLayer: 'hidden2', studentLayer: 'hidden1', projection: 'linear' };
    const [a, b, c] = await Promise.all([build(params, 3), build(params, 3), build(params, 4)]);
    expect(a.variables![0].arraySync()).toEqual(b.variables![0].arraySync());
    expect(a.variables![0].arraySync()).not.toEqual(c.variables![0].arraySync());
    expect(new Set([a, b, c].map((l) => l.variables![0].name)).size).toBe(3);
    const before = tf.memory().numTensors;
    for (const loss of [a, b, c]) loss.dispose!();
    expect(tf.memory().numTensors).toBe(before - 6);
  });

  it('passes the semantic check when both layers exist with equal widths, or with a projection', async () => {
    expect(await check({ teacherLayer: 'logits', studentLayer: 'logits' })).toEqual([]);
    expect(await check({ teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'linear' })).toEqual([]);
  });

  it('reports an unknown layer at its param, listing the layers the model has', async () => {
    expect(await check({ teacherLayer: 'hiden2', studentLayer: 'conv1' })).toEqual([
      { pointer: '/teacherLayer', message: 'the teacher has no layer "hiden2"; its layers are: hidden1, hidden2, logits', hint: 'did you mean "hidden2"?' },
      { pointer: '/studentLayer', message: 'the student has no layer "conv1"; its layers are: hidden1, logits' },
    ]);
  });

  it('reports unequal widths without a projection, saying both and suggesting "projection": "linear"', async () => {
    const [issue] = await check({ teacherLayer: 'hidden1', studentLayer: 'hidden1' });
    expect(issue.message).toBe('teacher layer "hidden1" has width 6 but student layer "hidden1" has width 2');
    expect(issue.hint).toContain('"projection": "linear"');
  });
});
