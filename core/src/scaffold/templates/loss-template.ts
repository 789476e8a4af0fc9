// `distill init plugin --kind loss`: a distillation loss on softened logits, and a test that checks it by hand.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function lossTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` loss: squared distance between the teacher's and the student's probabilities at a temperature.
// Scaffolded by \`distill init plugin --kind loss\`; change the math in ${n.camel}() and keep the test in step.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillLoss } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    temperature: { type: 'number', exclusiveMinimum: 0, default: 2, description: 'Softmax temperature applied to both logits.' },
  },
  additionalProperties: false,
} as const;

/** Mean over the batch of the summed squared difference of softmax(logits / temperature); a float32 scalar. */
export function ${n.camel}(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const student = tf.softmax(studentLogits.div(temperature));
    const teacher = tf.softmax(teacherLogits.div(temperature));
    return tf.squaredDifference(student, teacher).sum(1).mean() as tf.Scalar;
  });
}

export default definePlugin({
  kind: 'loss',
  name: '${n.name}',
  description: "Squared distance between the teacher's and the student's softened probabilities.",
  paramsSchema,
  create: (params): DistillLoss => ({
    // What the trainer must hand to compute(): here the teacher's logits. Name layers in teacherLayers/studentLayers
    // to get their outputs in teacherFeatures/studentFeatures (shaped as the layer outputs them; flattenFeatures()
    // makes them [batch, width]); ask for labels to get labels and labelMask.
    requires: { teacherLogits: true },
    compute: ({ studentLogits, teacherLogits }) => {
      if (!teacherLogits) throw new Error('${n.name} needs the teacher logits');
      return ${n.camel}(studentLogits, teacherLogits, params.temperature);
    },
  }),
});
`;
  const test = `// Tests of the \`${n.name}\` loss: built from params as a run builds it, computed on small tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend, type LossInputs } from '@distill/core';
import plugin from './${n.name}.js';

function inputs(studentLogits: number[][], teacherLogits: number[][]): LossInputs {
  const batch = studentLogits.length;
  return {
    studentLogits: tf.tensor2d(studentLogits),
    teacherLogits: tf.tensor2d(teacherLogits),
    studentFeatures: {},
    teacherFeatures: {},
    teachers: {},
    labels: tf.zeros([batch], 'int32'),
    labelMask: tf.ones([batch]),
    sampleIds: tf.range(0, batch, 1, 'int32'),
    epoch: 0,
    step: 0,
    epochs: 1,
  };
}

/** softmax(row / temperature) in plain numbers, to check the tensor code against. */
function softened(row: number[], temperature: number): number[] {
  const exps = row.map((value) => Math.exp(value / temperature));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

// tfjs's plain JavaScript backend: small tensors need nothing faster.
beforeAll(async () => {
  await initBackend('cpu');
});

describe('${n.name} loss', () => {
  it('is a float32 scalar, zero when the student matches the teacher', async () => {
    const loss = await buildPlugin(plugin, {});
    const value = loss.compute(inputs([[1, 2, 3]], [[1, 2, 3]]));
    expect(value.shape).toEqual([]);
    expect(value.dtype).toBe('float32');
    expect(value.dataSync()[0]).toBeCloseTo(0, 6);
  });

  it('averages over the batch the squared distance of the softened probabilities', async () => {
    const loss = await buildPlugin(plugin, { temperature: 4 });
    const student = [[2, 0, -1], [0, 0, 0]];
    const teacher = [[0, 1, 3], [1, -2, 0.5]];
    const perSample = student.map((row, i) => {
      const s = softened(row, 4);
      const t = softened(teacher[i], 4);
      return s.reduce((sum, value, j) => sum + (value - t[j]) ** 2, 0);
    });
    expect(loss.compute(inputs(student, teacher)).dataSync()[0]).toBeCloseTo((perSample[0] + perSample[1]) / 2, 6);
  });

  it('fills in the default temperature and rejects values its schema does not allow', async () => {
    const plain = await buildPlugin(plugin, {});
    const explicit = await buildPlugin(plugin, { temperature: 2 });
    const batch = inputs([[3, 1, 0]], [[0, 1, 3]]);
    expect(plain.compute(batch).dataSync()[0]).toBe(explicit.compute(batch).dataSync()[0]);
    await expect(buildPlugin(plugin, { temperature: 0 })).rejects.toThrow('/params/temperature: must be > 0');
  });
});
`;
  return { plugin, test, usage: `"losses": [{ "type": "${n.name}", "params": { "temperature": 2 }, "weight": 0.5 }]` };
}
