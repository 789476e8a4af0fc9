// `distill init project`'s example plugin: `feature-cosine`, a feature loss that needs the models to be built (its
// projection is sized from their layers), and a test that builds it with small real models, as a run does.
import type { PluginMetadata } from '../../plugins/plugin-definition.js';
import { typescriptLiteral } from '../typescript-literal.js';
import type { PluginTemplate } from './plugin-template.js';

/** What the example declares; the project's editor schema is composed from it before anything is installed. */
export const FEATURE_COSINE: PluginMetadata<'loss'> = {
  kind: 'loss',
  name: 'feature-cosine',
  description: "Feature hint: 1 − cosine similarity between a student layer's projected features and a teacher layer's.",
  paramsSchema: {
    type: 'object',
    properties: {
      teacherLayer: { type: 'string', minLength: 1, description: 'The teacher layer whose features are the target (the mlp model names its layers hidden1, hidden2, …, logits).' },
      studentLayer: { type: 'string', minLength: 1, description: "The student layer whose features are projected to the teacher's width and compared." },
    },
    required: ['teacherLayer', 'studentLayer'],
    additionalProperties: false,
  },
};

export function featureCosineTemplate(): PluginTemplate {
  const plugin = `// The \`feature-cosine\` loss, an example plugin: the student's features at one layer, mapped by a trainable linear
// projection to the teacher's width, should point the same way as the teacher's features at another layer. Its value
// is the mean over the batch of 1 − cos(projected student, teacher). The projection is sized from the models the loss
// is built with (context.models), trained with the student and saved with it (student/loss-variables.*).
import * as tf from '@tensorflow/tfjs';
import { definePlugin, deriveSeed, flattenFeatures, lookupLayer, requireLayer, type BuildContext, type DistillLoss, type ParamsOf, type SemanticIssue } from '@distill/core';

// \`as const\`: the type of \`params\` below is read from this schema, so a misspelt param is a type error.
const paramsSchema = ${typescriptLiteral(FEATURE_COSINE.paramsSchema)} as const;

type Params = ParamsOf<typeof paramsSchema>;

/** Mean over the batch of 1 − cos(a_i, b_i) for the rows a_i of \`a\` and b_i of \`b\`; a row of zeros counts as orthogonal. */
export function cosineDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  // The epsilon under the root keeps the gradient finite at a row of zeros (a student whose ReLUs are all off).
  const unitRows = (x: tf.Tensor2D) => x.div(x.square().sum(1, true).add(1e-8).sqrt());
  return tf.tidy(() => tf.scalar(1).sub(unitRows(a).mul(unitRows(b)).sum(1).mean()) as tf.Scalar);
}

/** A dense map without activation from the student layer's width to the teacher layer's, seeded from the run's seed. */
function projection(params: Params, context: BuildContext): { kernel: tf.Variable; bias: tf.Variable } {
  // A run builds losses after the models; a test passes them: buildPlugin(plugin, params, { models }).
  if (!context.models) throw new Error('feature-cosine sizes its projection from the models: build it with { models } in its context');
  const from = requireLayer(context.models.student, 'student', params.studentLayer).width;
  const to = requireLayer(context.models.teacher, 'teacher', params.teacherLayer).width;
  const seed = deriveSeed(context.seed, 'feature-cosine' + context.pointer);
  return { kernel: tf.variable(tf.initializers.glorotUniform({ seed }).apply([from, to]) as tf.Tensor2D), bias: tf.variable(tf.zeros([to])) };
}

export default definePlugin({
  kind: ${typescriptLiteral(FEATURE_COSINE.kind)},
  name: ${typescriptLiteral(FEATURE_COSINE.name)},
  description: ${typescriptLiteral(FEATURE_COSINE.description)},
  paramsSchema,
  create: (params, context): DistillLoss => {
    const { kernel, bias } = projection(params, context);
    return {
      // The trainer hands compute() these layers' outputs as the layers give them ([batch, units] for a dense layer,
      // [batch, height, width, channels] for a convolution); flattenFeatures makes each [batch, width].
      requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
      variables: [kernel, bias],
      compute: ({ studentFeatures, teacherFeatures }) =>
        tf.tidy(() => {
          const student = flattenFeatures(studentFeatures[params.studentLayer]).matMul(kernel).add(bias) as tf.Tensor2D;
          return cosineDistance(student, flattenFeatures(teacherFeatures[params.teacherLayer]));
        }),
      dispose: () => tf.dispose([kernel, bias]),
    };
  },
  // Runs before training and in \`distill validate\`: a layer the model lacks is reported at the param, with a did-you-mean.
  check: async (params, context) => {
    const [teacher, student] = await Promise.all([context.teacher(), context.student()]);
    const issues: SemanticIssue[] = [];
    const teacherLayer = lookupLayer(teacher, 'teacher', params.teacherLayer);
    const studentLayer = lookupLayer(student, 'student', params.studentLayer);
    if ('missing' in teacherLayer) issues.push({ pointer: '/teacherLayer', ...teacherLayer.missing });
    if ('missing' in studentLayer) issues.push({ pointer: '/studentLayer', ...studentLayer.missing });
    return issues;
  },
});
`;
  const test = `// Tests of the \`feature-cosine\` loss. A run builds a loss after the models, and this one sizes its projection from
// them, so the tests build small real models and hand them over: buildPlugin(plugin, params, { models }).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend, lossInputs, type DistillModel } from '@distill/core';
import plugin, { cosineDistance } from './feature-cosine.js';

/** A small real model as a model plugin returns it: dense layers hidden1, …, logits, declared with their widths. */
function denseModel(inputs: number, widths: number[], seed: number): DistillModel {
  const model = tf.sequential();
  widths.forEach((units, i) => {
    const name = i === widths.length - 1 ? 'logits' : 'hidden' + (i + 1);
    model.add(tf.layers.dense({ units, name, inputShape: i === 0 ? [inputs] : undefined, activation: name === 'logits' ? 'linear' : 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }) }));
  });
  return { model, layers: model.layers.map((layer) => ({ name: layer.name, width: (layer.outputShape as number[])[1] })), pretrained: false };
}

/** What the trainer hands the loss: a layer's output for a batch. */
function features(built: DistillModel, layer: string, batch: tf.Tensor2D): tf.Tensor2D {
  return tf.model({ inputs: built.model.inputs, outputs: built.model.getLayer(layer).output as tf.SymbolicTensor }).predict(batch) as tf.Tensor2D;
}

const models = { teacher: denseModel(6, [8, 3], 1), student: denseModel(6, [4, 3], 2) };
const params = { teacherLayer: 'hidden1', studentLayer: 'hidden1' };
const valueOf = (tensor: tf.Tensor) => tensor.dataSync()[0];

// tfjs's plain JavaScript backend: small tensors need nothing faster.
beforeAll(async () => {
  await initBackend('cpu');
});

describe('cosineDistance', () => {
  it.each([
    ['0 for rows pointing the same way, whatever their lengths', [[2, 0, 1]], [[4, 0, 2]], 0],
    ['1 for orthogonal rows', [[0, 3, 0]], [[1, 0, 1]], 1],
    ['2 for opposite rows', [[1, 2, 2]], [[-3, -6, -6]], 2],
    ['the mean over the batch: rows at 45° and at 90°', [[1, 0], [1, 0]], [[1, 1], [0, 2]], (1 - Math.SQRT1_2 + 1) / 2],
  ])('is %s', (_, a: number[][], b: number[][], expected: number) => {
    expect(valueOf(cosineDistance(tf.tensor2d(a), tf.tensor2d(b)))).toBeCloseTo(expected, 6);
  });
});

describe('feature-cosine loss', () => {
  it('built with the models, owns a projection from the student layer\\'s width (4) to the teacher layer\\'s (8)', async () => {
    const loss = await buildPlugin(plugin, params, { models, seed: 7 });
    expect(loss.requires).toEqual({ teacherLayers: ['hidden1'], studentLayers: ['hidden1'] });
    expect(loss.variables!.map((variable) => variable.shape)).toEqual([[4, 8], [8]]);
  });

  it('computes a scalar in [0, 2] from the models\\' real features, and training the projection lowers it', async () => {
    const loss = await buildPlugin(plugin, params, { models, seed: 7 });
    const batch = tf.randomNormal([16, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
    const inputs = lossInputs(16, { studentFeatures: { hidden1: features(models.student, 'hidden1', batch) }, teacherFeatures: { hidden1: features(models.teacher, 'hidden1', batch) } });
    const before = loss.compute(inputs);
    expect([before.shape, before.dtype]).toEqual([[], 'float32']);
    expect(valueOf(before)).toBeGreaterThanOrEqual(0);
    expect(valueOf(before)).toBeLessThanOrEqual(2);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 30; step++) optimizer.minimize(() => loss.compute(inputs), false, [...loss.variables!]);
    expect(valueOf(loss.compute(inputs))).toBeLessThan(valueOf(before) - 0.05);
  });

  it('says how to build it when its context has no models', async () => {
    await expect(buildPlugin(plugin, params)).rejects.toThrow('build it with { models } in its context');
  });

  it('reports a layer the model lacks at its param, with a did-you-mean', async () => {
    const context = { teacher: async () => models.teacher, student: async () => models.student, dataset: async () => ({ inputShape: [6], numClasses: 3 }) };
    const issues = await plugin.check!({ teacherLayer: 'hiden1', studentLayer: 'hidden1' }, context);
    expect(issues).toEqual([{ pointer: '/teacherLayer', message: 'the teacher has no layer "hiden1"; its layers are: hidden1, logits', hint: 'did you mean "hidden1"?' }]);
  });
});
`;
  return { plugin, test, usage: '{ "type": "feature-cosine", "params": { "teacherLayer": "hidden1", "studentLayer": "hidden1" }, "weight": 0.2 }' };
}
