// Conformance of what dense layers, activations, dropout and the distillation losses run: matrix products with every
// transpose combination, the fused product + bias + activation, element-wise activations, softmax and log-softmax,
// dropout with a fixed seed, and the KL divergence and cross-entropy terms, each with its gradients.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mismatches, type ConformanceCase } from './compare-backends.js';

const check = async (testCase: ConformanceCase, seed: number) => expect(await mismatches(testCase, seed)).toEqual([]);

describe('matrix products', () => {
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`matMul 37×53 · 53×29, transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
      const a = transposeA ? [53, 37] : [37, 53];
      const b = transposeB ? [29, 53] : [53, 29];
      await check({ name: 'matMul', inputs: [{ shape: a }, { shape: b }], f: (x, y) => tf.matMul(x, y, transposeA, transposeB) }, 9700);
    });
  }

  it('batched matMul [3, 7, 5] · [3, 5, 4]', async () => {
    await check({ name: 'batched', inputs: [{ shape: [3, 7, 5] }, { shape: [3, 5, 4] }], f: (x, y) => tf.matMul(x, y) }, 9710);
  });

  for (const activation of ['relu', 'elu', 'sigmoid', 'linear'] as const) {
    it(`fused matMul + bias + ${activation} (a Dense layer)`, async () => {
      await check(
        {
          name: 'fused matMul',
          inputs: [{ shape: [17, 33] }, { shape: [33, 12] }, { shape: [12] }],
          f: (x, w, bias) => tf.fused.matMul({ a: x, b: w, bias, activation }),
        },
        9720,
      );
    });
  }
});

describe('activations', () => {
  const unary: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['relu', tf.relu],
    ['relu6', tf.relu6],
    ['elu', tf.elu],
    ['selu', tf.selu],
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.1)],
    ['sigmoid', tf.sigmoid],
    ['tanh', tf.tanh],
    ['softplus', tf.softplus],
    ['softmax', (x) => tf.softmax(x)],
    ['logSoftmax', (x) => tf.logSoftmax(x)],
  ];
  for (const [name, f] of unary) {
    it(name, async () => {
      await check({ name, inputs: [{ shape: [6, 11] }], f }, 9730);
    });
  }

  it('prelu with a learned slope per unit', async () => {
    await check({ name: 'prelu', inputs: [{ shape: [6, 11] }, { shape: [11] }], f: (x, alpha) => tf.prelu(x, alpha) }, 9740);
  });
});

describe('dropout and the distillation losses', () => {
  it('dropout at rate 0.4 with a fixed seed: the same mask, output and gradient', async () => {
    await check({ name: 'dropout', inputs: [{ shape: [8, 16] }], f: (x) => tf.dropout(x, 0.4, undefined, 17) }, 9750);
  });

  it('KL divergence between softened teacher and student distributions, scaled by T²', async () => {
    const temperature = 4;
    const f = (student: tf.Tensor, teacher: tf.Tensor) => {
      const p = tf.softmax(teacher.div(temperature));
      const logQ = tf.logSoftmax(student.div(temperature));
      return p.mul(tf.log(p).sub(logQ)).sum(-1).mean().mul(temperature * temperature);
    };
    await check({ name: 'kl', inputs: [{ shape: [9, 10] }, { shape: [9, 10] }], f }, 9760);
  });

  it('softmax cross-entropy on one-hot labels', async () => {
    const labels = { shape: [5, 4], values: [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0] };
    await check({ name: 'ce', inputs: [labels, { shape: [5, 4] }], f: (y, logits) => tf.losses.softmaxCrossEntropy(y, logits), wrt: [1] }, 9770);
  });
});
