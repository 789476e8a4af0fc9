// The method plugins as a run builds and calls them (buildPlugin, LossInputs with the tapped layers by name), checked
// against the numpy reference vectors of their methods (test/fixtures/golden): value and student-side gradients to
// 1e-5 on the wasm and cpu backends, no gradient into the teacher's inputs, no tensor left behind.
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, lossInputs, type DistillLoss, type LossInputs } from '@distill/core';
import attentionTransfer from './attention-transfer.js';
import fitnets from './fitnets.js';
import pkt from './pkt.js';
import rkd from './rkd.js';
import similarityPreserving from './similarity-preserving.js';
import dkd from './dkd.js';
import klDivergence from '../kl-divergence.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase, type Nested } from '../../../../test/fixtures/golden/golden-fixture.js';

const build = async (plugin: Parameters<typeof buildPlugin>[0], params: Record<string, unknown>) => (await buildPlugin(plugin, params)) as DistillLoss;
/** The plugin's value on LossInputs made of `inputs`: only the result survives. */
const through = (loss: DistillLoss, batch: number, inputs: Partial<LossInputs>) => tf.tidy(() => loss.compute(lossInputs(batch, inputs)));
const named = (prefix: string, maps: tf.Tensor[]) => Object.fromEntries(maps.map((m, i) => [`${prefix}${i}`, m]));
const pairs = (count: number) => Array.from({ length: count }, (_, i) => ({ teacherLayer: `t${i}`, studentLayer: `s${i}` }));

type MapsCase = GoldenCase<{ studentMaps: Nested[]; teacherMaps: Nested[] }, { betas?: number[]; p?: number; distance?: 'squared' | 'euclidean' }>;
const at = readGoldenFixture<MapsCase>('attention-transfer');
const atLosses = await Promise.all(
  at.cases.map((c) => build(attentionTransfer, { pairs: c.params.betas!.map((beta, i) => ({ ...pairs(c.params.betas!.length)[i], beta })), p: c.params.p, distance: c.params.distance })),
);
describeGoldenMethod({ ...at, method: 'attention-transfer plugin' }, (c) => {
  const loss = atLosses[at.cases.indexOf(c)];
  return {
    loss: ({ studentMaps, teacherMaps }) =>
      through(loss, (studentMaps as tf.Tensor[])[0].shape[0], { studentFeatures: named('s', studentMaps as tf.Tensor[]), teacherFeatures: named('t', teacherMaps as tf.Tensor[]) }),
    inputs: { studentMaps: c.inputs.studentMaps.map((m) => tf.tensor(m as number[])), teacherMaps: c.inputs.teacherMaps.map((m) => tf.tensor(m as number[])) },
    expected: c.expected,
    trained: ['studentMaps'],
    frozen: ['teacherMaps'],
  };
}, () => {
  it('asks for the layers of every pair', () => expect(atLosses[0].requires).toEqual({ teacherLayers: ['t0', 't1'], studentLayers: ['s0', 's1'] }));
});

const sp = readGoldenFixture<MapsCase>('similarity-preserving');
const spLosses = await Promise.all(sp.cases.map((c) => build(similarityPreserving, { pairs: pairs(c.inputs.studentMaps.length) })));
describeGoldenMethod({ ...sp, method: 'similarity-preserving plugin' }, (c) => ({
  loss: ({ studentMaps, teacherMaps }) =>
    through(spLosses[sp.cases.indexOf(c)], (studentMaps as tf.Tensor[])[0].shape[0], { studentFeatures: named('s', studentMaps as tf.Tensor[]), teacherFeatures: named('t', teacherMaps as tf.Tensor[]) }),
  inputs: { studentMaps: c.inputs.studentMaps.map((m) => tf.tensor(m as number[])), teacherMaps: c.inputs.teacherMaps.map((m) => tf.tensor(m as number[])) },
  expected: c.expected,
  trained: ['studentMaps'],
  frozen: ['teacherMaps'],
}));

type PairCase = GoldenCase<{ student: number[][]; teacher: number[][] }, Record<string, number>>;
for (const [method, plugin] of [['pkt', pkt], ['rkd', rkd]] as const) {
  const golden = readGoldenFixture<PairCase>(method);
  const losses = await Promise.all(golden.cases.map((c) => build(plugin, { teacherLayer: 'pool', studentLayer: 'flatten', ...c.params })));
  describeGoldenMethod({ ...golden, method: `${method} plugin` }, (c) => ({
    loss: ({ student, teacher }) => through(losses[golden.cases.indexOf(c)], student.shape[0], { studentFeatures: { flatten: student as tf.Tensor }, teacherFeatures: { pool: teacher as tf.Tensor } }),
    inputs: { student: tf.tensor2d(c.inputs.student), teacher: tf.tensor2d(c.inputs.teacher) },
    expected: c.expected,
    trained: ['student'],
    frozen: ['teacher'],
  }));
}

type HintCase = GoldenCase<{ regressedStudent: Nested; teacherHint: Nested }>;
const hint = readGoldenFixture<HintCase>('fitnets');
const hintLoss = await build(fitnets, { teacherLayer: 'hint', studentLayer: 'guided', connector: 'none' });
describeGoldenMethod({ ...hint, method: 'fitnets plugin (no connector)' }, (c) => ({
  loss: ({ regressedStudent, teacherHint }) =>
    through(hintLoss, (regressedStudent as tf.Tensor).shape[0], { studentFeatures: { guided: regressedStudent as tf.Tensor }, teacherFeatures: { hint: teacherHint as tf.Tensor } }),
  inputs: { regressedStudent: tf.tensor(c.inputs.regressedStudent as number[]), teacherHint: tf.tensor(c.inputs.teacherHint as number[]) },
  expected: c.expected,
  trained: ['regressedStudent'],
  frozen: ['teacherHint'],
}));

type LogitCase = GoldenCase<{ studentLogits: number[][]; teacherLogits: number[][]; labels?: number[] }, Record<string, number>> & { kind?: 'kd' | 'dkd' };
const dkdGolden = readGoldenFixture<LogitCase>('dkd');
const dkdLosses = await Promise.all(dkdGolden.cases.map((c) => build(dkd, { ...c.params, warmupEpochs: 20 })));
describeGoldenMethod({ ...dkdGolden, method: 'dkd plugin (after its warm-up)' }, (c) => ({
  // Epoch 19 of a 20-epoch warm-up: the factor is 1.
  loss: ({ studentLogits, teacherLogits, labels }) =>
    through(dkdLosses[dkdGolden.cases.indexOf(c)], studentLogits.shape[0], { studentLogits: studentLogits as tf.Tensor2D, teacherLogits: teacherLogits as tf.Tensor2D, labels: labels as tf.Tensor1D, epoch: 19, epochs: 40 }),
  inputs: { studentLogits: tf.tensor2d(c.inputs.studentLogits), teacherLogits: tf.tensor2d(c.inputs.teacherLogits), labels: tf.tensor1d(c.inputs.labels!, 'int32') },
  expected: c.expected,
  trained: ['studentLogits'],
  frozen: ['teacherLogits'],
}), () => {
  it('warms up linearly: a tenth of the term in the first of ten warm-up epochs', async () => {
    const c = dkdGolden.cases[0];
    const loss = await build(dkd, { ...c.params, warmupEpochs: 10 });
    const [s, t, y] = [tf.tensor2d(c.inputs.studentLogits), tf.tensor2d(c.inputs.teacherLogits), tf.tensor1d(c.inputs.labels!, 'int32')];
    const value = through(loss, s.shape[0], { studentLogits: s, teacherLogits: t, labels: y, epoch: 0, epochs: 30 });
    expect(Math.abs(value.dataSync()[0] - c.expected.loss / 10)).toBeLessThan(1e-5 * Math.max(1, c.expected.loss));
    expect(loss.scheduledValues!(4, 30)).toEqual({ warmup: 0.5 });
    tf.dispose([s, t, y, value]);
  });
});

const ls = readGoldenFixture<LogitCase>('logit-standardization');
const lsLosses = await Promise.all(
  ls.cases.map((c) =>
    c.kind === 'dkd'
      ? build(dkd, { alpha: c.params.alpha, beta: c.params.beta, temperature: c.params.temperature, warmupEpochs: 1, standardize: true })
      : build(klDivergence, { temperature: c.params.temperature, standardize: true }),
  ),
);
describeGoldenMethod({ ...ls, method: 'standardize option of kl-divergence and dkd' }, (c) => ({
  loss: ({ studentLogits, teacherLogits, labels }) =>
    through(lsLosses[ls.cases.indexOf(c)], studentLogits.shape[0], {
      studentLogits: studentLogits as tf.Tensor2D,
      teacherLogits: teacherLogits as tf.Tensor2D,
      ...(c.kind === 'dkd' ? { labels: labels as tf.Tensor1D } : {}),
    }),
  inputs: { studentLogits: tf.tensor2d(c.inputs.studentLogits), teacherLogits: tf.tensor2d(c.inputs.teacherLogits), labels: tf.tensor1d(c.inputs.labels ?? [0, 0, 0, 0, 0, 0, 0, 0].slice(0, c.inputs.studentLogits.length), 'int32') },
  expected: c.expected,
  trained: ['studentLogits'],
  frozen: ['teacherLogits'],
}));
