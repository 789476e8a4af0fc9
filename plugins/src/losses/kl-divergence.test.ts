import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { DistillLoss } from '@distill/core';
import klDivergence from './kl-divergence.js';
import { buildPlugin, lossInputs } from '@distill/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Golden values from test/reference/kl_teachers.py (numpy, float64). */
const golden = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/golden/kl-teachers.json', import.meta.url)), 'utf8')) as {
  cases: { temperature: number; aggregate?: string; student: number[][]; logits?: number[][][]; probabilities?: number[][]; loss: number }[];
};

const build = async (params: Record<string, unknown> = {}) => (await buildPlugin(klDivergence, params)) as DistillLoss;

/** KL(softmax(t/T) ‖ softmax(s/T)) of one sample in float64, written out from the definition. */
function referenceKl(t: number[], s: number[], temperature: number): number {
  const softmax = (z: number[]) => {
    const e = z.map((v) => Math.exp(v / temperature));
    const sum = e.reduce((a, b) => a + b);
    return e.map((v) => v / sum);
  };
  const p = softmax(t);
  const q = softmax(s);
  return p.reduce((kl, pc, c) => kl + pc * Math.log(pc / q[c]), 0);
}

describe('kl-divergence loss', () => {
  it("needs the teacher's outputs (logits or probabilities), and defaults to T=4 with T² scaling", async () => {
    const loss = await build();
    expect(loss.requires).toEqual({ teacherOutputs: true });
    expect(loss.scheduledValues!(0, 10)).toEqual({ temperature: 4 });
    const t = [2, 0.5, -1];
    const s = [0, 1, 0.3];
    const value = loss.compute(lossInputs(1, { teacherLogits: tf.tensor2d([t]), studentLogits: tf.tensor2d([s]) }));
    expect(value.dataSync()[0]).toBeCloseTo(16 * referenceKl(t, s, 4), 5);
  });

  it('follows a temperature schedule over the epochs and reports the value in force', async () => {
    const loss = await build({ temperature: { schedule: 'linear', from: 8, to: 2 } });
    expect(loss.scheduledValues!(0, 4).temperature).toBe(8);
    expect(loss.scheduledValues!(1, 4).temperature).toBe(6);
    expect(loss.scheduledValues!(3, 4).temperature).toBe(2);
    const t = [1, 3];
    const s = [2, 0];
    const at = (epoch: number) =>
      loss.compute(lossInputs(1, { teacherLogits: tf.tensor2d([t]), studentLogits: tf.tensor2d([s]), epoch, epochs: 4 })).dataSync()[0];
    expect(at(1)).toBeCloseTo(36 * referenceKl(t, s, 6), 5);
    expect(at(3)).toBeCloseTo(4 * referenceKl(t, s, 2), 5);
  });

  it('stays finite for confident logits (log_softmax, never log of a softmax)', async () => {
    const loss = await build({ temperature: 1 });
    const value = loss.compute(lossInputs(1, { teacherLogits: tf.tensor2d([[120, 0]]), studentLogits: tf.tensor2d([[0, 120]]) }));
    expect(value.dataSync()[0]).toBeCloseTo(120, 3);
  });

  it('sends gradient to the student logits only', async () => {
    const loss = await build({ temperature: 2 });
    const teacher = tf.tensor2d([[1, 2, 3], [0, 0, 4]]);
    const student = tf.tensor2d([[3, 2, 1], [1, 1, 1]]);
    const [gradTeacher, gradStudent] = tf.grads((t: tf.Tensor, s: tf.Tensor) =>
      loss.compute(lossInputs(2, { teacherLogits: t as tf.Tensor2D, studentLogits: s as tf.Tensor2D })),
    )([teacher, student]);
    expect(Array.from(gradTeacher.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Math.max(...Array.from(gradStudent.dataSync(), Math.abs))).toBeGreaterThan(0.01);
  });

  it('leaves no tensor behind but its result', async () => {
    const loss = await build();
    const inputs = lossInputs(3, { teacherLogits: tf.randomNormal([3, 5]), studentLogits: tf.randomNormal([3, 5]) });
    const before = tf.memory().numTensors;
    const value = loss.compute(inputs);
    expect(tf.memory().numTensors).toBe(before + 1);
    value.dispose();
  });

  it('learns from a teacher that gives only probabilities, a top-k row renormalised and softened as p^(1/T)', async () => {
    const [top] = golden.cases;
    const loss = await build({ temperature: top.temperature });
    const value = loss.compute(lossInputs(3, { teacherProbabilities: tf.tensor2d(top.probabilities!), studentLogits: tf.tensor2d(top.student) }));
    expect(value.dataSync()[0]).toBeCloseTo(top.loss, 4);
  });

  it('gives the same value from softmax probabilities as from the logits they came from', async () => {
    const loss = await build({ temperature: 3 });
    const logits = tf.tensor2d([[2, 0.5, -1], [0, 0, 4]]);
    const student = tf.tensor2d([[0, 1, 0.3], [1, 2, 3]]);
    const fromLogits = loss.compute(lossInputs(2, { teacherLogits: logits, studentLogits: student })).dataSync()[0];
    const fromProbabilities = loss.compute(lossInputs(2, { teacherProbabilities: tf.softmax(logits), studentLogits: student })).dataSync()[0];
    expect(fromProbabilities).toBeCloseTo(fromLogits, 4);
  });

  it('combines several teachers: the mean of their logits, or the mean of their softened probabilities', async () => {
    const [, byLogits, byProbabilities] = golden.cases;
    const ensemble = await build({ temperature: byLogits.temperature, teachers: ['a', 'b'], aggregate: 'logits' });
    expect(ensemble.requires).toEqual({ teacherLogits: true, teachers: ['a', 'b'] });
    const [a, b] = byLogits.logits!.map((rows) => tf.tensor2d(rows));
    const teachers = { a: { logits: a, features: {} }, b: { logits: b, features: {} } };
    expect(ensemble.compute(lossInputs(3, { studentLogits: tf.tensor2d(byLogits.student), teachers })).dataSync()[0]).toBeCloseTo(byLogits.loss, 4);

    const mixed = await build({ temperature: byProbabilities.temperature, teachers: ['a', 'b'] });
    expect(mixed.requires).toEqual({ teacherOutputs: true, teachers: ['a', 'b'] });
    const both = { a: { logits: tf.tensor2d(byProbabilities.logits![0]), features: {} }, b: { probabilities: tf.tensor2d(byProbabilities.probabilities!), features: {} } };
    expect(mixed.compute(lossInputs(3, { studentLogits: tf.tensor2d(byProbabilities.student), teachers: both })).dataSync()[0]).toBeCloseTo(byProbabilities.loss, 4);
  });

  it('leaves no tensor behind but its result, from probabilities and from an ensemble', async () => {
    const single = await build();
    const ensemble = await build({ teachers: ['a', 'b'] });
    const fromProbabilities = lossInputs(3, { teacherProbabilities: tf.softmax(tf.randomNormal([3, 5])), studentLogits: tf.randomNormal([3, 5]) });
    const fromTwo = lossInputs(3, { studentLogits: tf.randomNormal([3, 5]), teachers: { a: { logits: tf.randomNormal([3, 5]), features: {} }, b: { probabilities: tf.softmax(tf.randomNormal([3, 5])), features: {} } } });
    for (const [loss, inputs] of [[single, fromProbabilities], [ensemble, fromTwo]] as const) {
      const before = tf.memory().numTensors;
      const value = loss.compute(inputs);
      expect(tf.memory().numTensors).toBe(before + 1);
      value.dispose();
    }
  });
});
