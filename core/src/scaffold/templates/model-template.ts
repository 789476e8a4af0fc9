// `distill init plugin --kind model`: a dense network whose layers feature losses can name, and a test that builds it
// for a dataset shape and runs a batch through it.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function modelTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` model: \`depth\` dense blocks of \`units\` units (block1, block2, …), then a logits layer sized to the
// dataset's classes. Scaffolded by \`distill init plugin --kind model\`.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, deriveSeed, type BuildContext, type DistillModel, type FeatureLayer } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    units: { type: 'integer', minimum: 1, default: 32, description: 'Width of each dense block.' },
    depth: { type: 'integer', minimum: 1, maximum: 8, default: 2, description: 'Number of dense blocks, named block1, block2, …' },
    activation: { enum: ['relu', 'tanh', 'elu'], default: 'relu', description: 'Activation of the blocks.' },
  },
  additionalProperties: false,
} as const;

/** Initial weights seeded from the run's seed, the role and the layer: reproducible runs; teacher and student differ. */
function initializer(context: BuildContext, layer: string) {
  return tf.initializers.glorotUniform({ seed: deriveSeed(context.seed, (context.role ?? 'student') + '/' + layer) });
}

export default definePlugin({
  kind: 'model',
  name: '${n.name}',
  description: 'Dense blocks block1, block2, … then logits (one per class).',
  paramsSchema,
  create: (params, context): DistillModel => {
    if (!context.dataset) throw new Error('the ${n.name} model is sized from the dataset, but its build context has none');
    const { inputShape, numClasses } = context.dataset;
    const input = tf.input({ shape: [...inputShape] });
    let x = (inputShape.length > 1 ? tf.layers.flatten().apply(input) : input) as tf.SymbolicTensor;
    // The layers feature losses may name (\`teacherLayer\`, \`studentLayer\`), with their per-sample widths.
    const layers: FeatureLayer[] = [];
    for (let i = 1; i <= params.depth; i++) {
      const name = 'block' + i;
      x = tf.layers.dense({ units: params.units, activation: params.activation, kernelInitializer: initializer(context, name), name }).apply(x) as tf.SymbolicTensor;
      layers.push({ name, width: params.units });
    }
    // Logits, no softmax: distill's losses and evaluation apply it themselves.
    const logits = tf.layers.dense({ units: numClasses, kernelInitializer: initializer(context, 'logits'), name: 'logits' }).apply(x) as tf.SymbolicTensor;
    layers.push({ name: 'logits', width: numClasses });
    return { model: tf.model({ inputs: input, outputs: logits }), layers, pretrained: false };
  },
});
`;
  const test = `// Tests of the \`${n.name}\` model: built for a dataset shape as a run builds it, then run on a batch.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, checkModelContract, initBackend } from '@distill/core';
import plugin from './${n.name}.js';

const dataset = { inputShape: [6], numClasses: 4 };

// tfjs's plain JavaScript backend: small tensors need nothing faster.
beforeAll(async () => {
  await initBackend('cpu');
});

describe('${n.name} model', () => {
  it('maps a batch of samples to one logit per class', async () => {
    const built = await buildPlugin(plugin, { units: 5, depth: 3 }, { dataset, role: 'student' });
    const logits = built.model.predict(tf.ones([2, 6])) as tf.Tensor;
    expect(logits.shape).toEqual([2, 4]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    expect(built.pretrained).toBe(false);
  });

  it('declares layers the model has, with their widths, as distill checks before a run', async () => {
    const built = await buildPlugin(plugin, { units: 5, depth: 2 }, { dataset });
    expect(built.layers).toEqual([{ name: 'block1', width: 5 }, { name: 'block2', width: 5 }, { name: 'logits', width: 4 }]);
    expect(() => checkModelContract(built, dataset.numClasses, '${n.name}', 'student')).not.toThrow();
    for (const layer of built.layers) expect(built.model.getLayer(layer.name).outputShape).toEqual([null, layer.width]);
  });

  it('starts from the same weights for the same seed and role, and from others for the teacher', async () => {
    const weights = async (role: 'teacher' | 'student') => (await buildPlugin(plugin, {}, { dataset, seed: 7, role })).model.getWeights()[0].dataSync();
    expect(Array.from(await weights('student'))).toEqual(Array.from(await weights('student')));
    expect(Array.from(await weights('teacher'))).not.toEqual(Array.from(await weights('student')));
  });
});
`;
  return { plugin, test, usage: `"student": { "type": "${n.name}", "params": { "units": 32, "depth": 2 } }` };
}
