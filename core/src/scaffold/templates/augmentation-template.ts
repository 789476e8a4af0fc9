// `distill init plugin --kind augmentation`: a seeded brightness change, and a test of its range and seeding.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function augmentationTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` augmentation: adds one random brightness offset per sample, drawn from the step's seeded
// generator. Scaffolded by \`distill init plugin --kind augmentation\`.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    maxDelta: { type: 'number', minimum: 0, default: 0.1, description: 'Each sample gets an offset drawn uniformly from [-maxDelta, maxDelta].' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: '${n.name}',
  description: 'Adds a random brightness offset in [-maxDelta, maxDelta] to each sample.',
  paramsSchema,
  create: (params): Augmentation => ({
    // Called inside tf.tidy; targets and labelMask pass through unchanged (no samples are mixed).
    apply: (batch, random) => {
      const rows = batch.inputs.shape[0];
      const offsets = Array.from({ length: rows }, () => (2 * random.next() - 1) * params.maxDelta);
      const shape = [rows, ...batch.inputs.shape.slice(1).map(() => 1)];
      return { ...batch, inputs: batch.inputs.add(tf.tensor(offsets, shape)) };
    },
  }),
});
`;
  const test = `// Tests of the \`${n.name}\` augmentation: offsets within range, one per sample, the same for the same seed.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildPlugin, seededRandom } from '@distill/core';
import plugin from './${n.name}.js';

const random = (seed: number) => Object.assign(seededRandom(seed), { tensorSeed: () => seed });

describe('${n.name} augmentation', () => {
  it('moves every value of a sample by the same offset, within maxDelta, reproducibly', async () => {
    const augmentation = await buildPlugin(plugin, { maxDelta: 0.5 });
    const batch = { inputs: tf.zeros([4, 3]), targets: tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2).toFloat() as tf.Tensor2D, labelMask: tf.ones([4]) as tf.Tensor1D };
    const once = (await augmentation.apply(batch, random(1)).inputs.array()) as number[][];
    const again = (await augmentation.apply(batch, random(1)).inputs.array()) as number[][];
    expect(again).toEqual(once);
    for (const row of once) {
      expect(Math.abs(row[0])).toBeLessThanOrEqual(0.5);
      expect(row[1]).toBe(row[0]);
    }
  });
});
`;
  return { plugin, test, usage: `"training": { "epochs": 3, "augment": [{ "type": "${n.name}", "params": { "maxDelta": 0.1 } }] }` };
}
