// The `gaussian-noise` augmentation: zero-mean normal noise added to every input value.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    std: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Standard deviation of the noise, in the units of the inputs.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'gaussian-noise',
  description: 'Adds zero-mean normal noise of standard deviation std to every input value (any input shape).',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => ({ ...batch, inputs: batch.inputs.add(tf.randomNormal(batch.inputs.shape, 0, params.std, 'float32', random.tensorSeed())) }),
  }),
  check: async (_params, context) => ((await context.dataset()).inputDtype === 'int32' ? [{ pointer: '', message: 'gaussian-noise adds to float inputs; this dataset gives token ids (int32)' }] : []),
});
