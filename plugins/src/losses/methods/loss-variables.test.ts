// The methods that own variables: fitnets through each connector and crd with its embedding heads and memory banks.
// Built the same way on wasm and cpu they agree to 1e-5; gradients reach the student and the loss's trainable
// variables, never the teacher's inputs nor the memory banks; computing leaves only its result behind.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, initBackend, lossInputs, seededRandom, validatedParams, type DistillLoss, type DistillModel, type LossInputs, type SemanticCheckContext } from '@distill/core';
import fitnets from './fitnets.js';
import crd from './crd.js';

const model = (layers: [string, number[]][]): DistillModel => ({
  model: undefined as never,
  layers: layers.map(([name, shape]) => ({ name, width: shape.reduce((a, b) => a * b, 1), shape })),
  pretrained: false,
});
const teacher = model([['block1', [6, 6, 8]], ['pool', [12]], ['logits', [3]]]);
const student = model([['conv1', [6, 6, 4]], ['flatten', [20]], ['logits', [3]]]);
const models = { teacher, student };
const random = seededRandom(5);
const values = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.normal());
const [studentMap, teacherMap, studentFlat, teacherPool] = [values([4, 6, 6, 4]), values([4, 6, 6, 8]), values([4, 20]), values([4, 12])];

async function onBackend<T>(backend: 'wasm' | 'cpu', body: () => Promise<T>): Promise<T> {
  await initBackend(backend);
  try {
    return await body();
  } finally {
    await initBackend('cpu');
  }
}

/** The loss's value and the gradients of [student input, teacher input, ...its trainable variables]. */
function valueAndGradients(loss: DistillLoss, inputs: (s: tf.Tensor, t: tf.Tensor) => LossInputs, s: tf.Tensor, t: tf.Tensor) {
  const trainable = (loss.variables ?? []).filter((v) => v.trainable);
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => loss.compute(inputs(s, t))), trainable);
  const [gs, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => loss.compute(inputs(a, b))))([s, t]);
  return { value, gs, gt, variableGrads: trainable.map((v) => grads[v.name]) };
}

describe('fitnets connectors', () => {
  const cases = [
    { connector: 'conv-bn', layers: ['block1', 'conv1'], shapes: [[3, 3, 4, 8], [8], [8]] },
    { connector: 'conv1x1', layers: ['block1', 'conv1'], shapes: [[1, 1, 4, 8], [8]] },
    { connector: 'linear', layers: ['pool', 'flatten'], shapes: [[20, 12], [12]] },
  ] as const;
  for (const { connector, layers, shapes } of cases) {
    const [teacherLayer, studentLayer] = layers;
    const conv = connector !== 'linear';
    const inputs = (s: tf.Tensor, t: tf.Tensor) => lossInputs(4, { studentFeatures: { [studentLayer]: s }, teacherFeatures: { [teacherLayer]: t } });
    const run = (backend: 'wasm' | 'cpu') =>
      onBackend(backend, async () => {
        const loss = (await buildPlugin(fitnets, { teacherLayer, studentLayer, connector }, { models, seed: 3, pointer: '/losses/2' })) as DistillLoss;
        const s = conv ? tf.tensor4d(studentMap, [4, 6, 6, 4]) : tf.tensor2d(studentFlat, [4, 20]);
        const t = conv ? tf.tensor4d(teacherMap, [4, 6, 6, 8]) : tf.tensor2d(teacherPool, [4, 12]);
        const before = tf.memory().numTensors;
        const value = tf.tidy(() => loss.compute(inputs(s, t)));
        const leaked = tf.memory().numTensors - before - 1;
        const { gs, gt, variableGrads, value: v2 } = valueAndGradients(loss, inputs, s, t);
        const out = {
          shapes: loss.variables!.map((v) => v.shape),
          trainable: loss.variables!.every((v) => v.trainable),
          value: value.dataSync()[0],
          leaked,
          studentGrad: Array.from(gs.dataSync()),
          teacherGradMax: Math.max(...Array.from(gt.dataSync(), Math.abs)),
          variableGradSums: variableGrads.map((g) => g.abs().sum().dataSync()[0]),
        };
        tf.dispose([value, v2, gs, gt, ...variableGrads, s, t]);
        loss.dispose!();
        return out;
      });

    it(`${connector}: owns ${shapes.length} trainable variables, trains them and the student, not the teacher, leaks nothing, and wasm agrees with cpu to 1e-5`, async () => {
      const [wasm, cpu] = [await run('wasm'), await run('cpu')];
      expect(cpu.shapes).toEqual(shapes);
      expect(cpu.trainable).toBe(true);
      expect(cpu.leaked).toBe(0);
      expect(wasm.leaked).toBe(0);
      expect(cpu.teacherGradMax).toBe(0);
      expect(wasm.teacherGradMax).toBe(0);
      expect(cpu.studentGrad.some((g) => Math.abs(g) > 1e-6)).toBe(true);
      expect(cpu.variableGradSums.every((g) => g > 0)).toBe(true);
      expect(Math.abs(wasm.value - cpu.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(cpu.value)));
      const scale = Math.max(1, ...cpu.studentGrad.map(Math.abs));
      wasm.studentGrad.forEach((g, i) => expect(Math.abs(g - cpu.studentGrad[i])).toBeLessThanOrEqual(1e-5 * scale));
    });
  }

  it('the linear connector computes ½‖u − (vW + b)‖² per sample, averaged over the batch (by hand on its weights)', async () => {
    const loss = (await buildPlugin(fitnets, { teacherLayer: 'pool', studentLayer: 'flatten', connector: 'linear' }, { models, seed: 1 })) as DistillLoss;
    const [kernel] = loss.variables!;
    const w = kernel.arraySync() as number[][];
    const v = studentFlat.slice(0, 20);
    const u = teacherPool.slice(0, 12);
    const expected = 0.5 * u.reduce((sum, uj, j) => sum + (uj - v.reduce((acc, vi, i) => acc + vi * w[i][j], 0)) ** 2, 0);
    const value = tf.tidy(() => loss.compute(lossInputs(1, { studentFeatures: { flatten: tf.tensor2d([v]) }, teacherFeatures: { pool: tf.tensor2d([u]) } })));
    expect(value.dataSync()[0]).toBeCloseTo(expected, 3);
    value.dispose();
    loss.dispose!();
  });
});

describe('crd plugin', () => {
  const dataset = { inputShape: [8], numClasses: 3, sampleIdRange: 10 };
  const params = { teacherLayer: 'pool', studentLayer: 'flatten', embeddingSize: 6, negatives: 5 };
  const ids = [7, 2, 9, 0];
  const inputs = (s: tf.Tensor, t: tf.Tensor) => lossInputs(4, { studentFeatures: { flatten: s }, teacherFeatures: { pool: t }, sampleIds: tf.tensor1d(ids, 'int32') });
  const run = (backend: 'wasm' | 'cpu') =>
    onBackend(backend, async () => {
      const loss = (await buildPlugin(crd, params, { models, dataset, seed: 11, pointer: '/losses/2' })) as DistillLoss;
      const [, , , , studentBank, teacherBank, normalizers] = loss.variables!;
      const bankBefore = studentBank.arraySync() as number[][];
      const s = tf.tensor2d(studentFlat, [4, 20]);
      const t = tf.tensor2d(teacherPool, [4, 12]);
      const before = tf.memory().numTensors;
      const value = tf.tidy(() => loss.compute(inputs(s, t)));
      const leaked = tf.memory().numTensors - before - 1;
      const bankAfter = studentBank.arraySync() as number[][];
      const { gs, gt, variableGrads, value: v2 } = valueAndGradients(loss, inputs, s, t);
      const out = {
        shapes: loss.variables!.map((v) => v.shape),
        trainable: loss.variables!.map((v) => v.trainable),
        requires: loss.requires,
        value: value.dataSync()[0],
        leaked,
        bankBefore,
        bankAfter,
        teacherBank: teacherBank.arraySync() as number[][],
        normalizers: Array.from(normalizers.dataSync()),
        studentGrad: Array.from(gs.dataSync()),
        teacherGradMax: Math.max(...Array.from(gt.dataSync(), Math.abs)),
        variableGradSums: variableGrads.map((g) => g.abs().sum().dataSync()[0]),
      };
      tf.dispose([value, v2, gs, gt, ...variableGrads, s, t]);
      const disposing = tf.memory().numTensors;
      loss.dispose!();
      return { ...out, released: disposing - tf.memory().numTensors };
    });

  it('owns two trainable heads, two non-trainable banks of a row per sample id and its normalisers, and releases them', async () => {
    const cpu = await run('cpu');
    expect(cpu.requires).toEqual({ teacherLayers: ['pool'], studentLayers: ['flatten'], sampleIds: true });
    expect(cpu.shapes).toEqual([[20, 6], [6], [12, 6], [6], [10, 6], [10, 6], [2]]);
    expect(cpu.trainable).toEqual([true, true, true, true, false, false, false]);
    expect(cpu.released).toBe(7);
  });

  it('trains the student and both heads, never the teacher nor the banks; leaks nothing; estimates Z on the first batch', async () => {
    const cpu = await run('cpu');
    expect(cpu.leaked).toBe(0);
    expect(cpu.teacherGradMax).toBe(0);
    expect(cpu.studentGrad.some((g) => Math.abs(g) > 1e-6)).toBe(true);
    expect(cpu.variableGradSums).toHaveLength(4);
    expect(cpu.variableGradSums.every((g) => g > 0)).toBe(true);
    expect(cpu.normalizers.every((z) => z > 0)).toBe(true);
    expect(Number.isFinite(cpu.value) && cpu.value > 0).toBe(true);
  });

  it("moves the batch's bank rows to unit vectors and leaves the other rows alone", async () => {
    const { bankBefore, bankAfter } = await run('cpu');
    for (let row = 0; row < 10; row++) {
      if (ids.includes(row)) {
        expect(Math.hypot(...bankAfter[row])).toBeCloseTo(1, 5);
        expect(bankAfter[row]).not.toEqual(bankBefore[row]);
      } else {
        expect(bankAfter[row]).toEqual(bankBefore[row]);
      }
    }
  });

  it('gives the same value, gradients and banks on wasm as on cpu, to 1e-5', async () => {
    const [wasm, cpu] = [await run('wasm'), await run('cpu')];
    expect(wasm.leaked).toBe(0);
    expect(wasm.teacherGradMax).toBe(0);
    expect(Math.abs(wasm.value - cpu.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(cpu.value)));
    const scale = Math.max(1, ...cpu.studentGrad.map(Math.abs));
    wasm.studentGrad.forEach((g, i) => expect(Math.abs(g - cpu.studentGrad[i])).toBeLessThanOrEqual(1e-5 * scale));
    wasm.bankAfter.flat().forEach((v, i) => expect(Math.abs(v - cpu.bankAfter.flat()[i])).toBeLessThanOrEqual(1e-5));
  });

  it('refuses a sample id outside its banks, saying how many rows they have', async () => {
    const loss = (await buildPlugin(crd, params, { models, dataset, seed: 11 })) as DistillLoss;
    const s = tf.zeros([2, 20]);
    const t = tf.zeros([2, 12]);
    expect(() => loss.compute(lossInputs(2, { studentFeatures: { flatten: s }, teacherFeatures: { pool: t }, sampleIds: tf.tensor1d([3, 10], 'int32') }))).toThrow(
      /crd: sample id 10 is outside the memory banks' 10 rows/,
    );
    tf.dispose([s, t]);
    loss.dispose!();
  });

  it('its check refuses a dataset without stable ids, with the fix', async () => {
    const context: SemanticCheckContext = { teacher: async () => teacher, student: async () => student, dataset: async () => ({ ...dataset, stableIds: false }) };
    const [issue] = await crd.check!(validatedParams(crd, params) as never, context);
    expect(issue.message).toContain('sample ids are not stable');
    expect(issue.hint).toContain('stable ids');
  });
});
