// The `adam` optimizer (Kingma & Ba 2015): tf.train.adam's math, one fused kernel per variable on wasm.
import { definePlugin, type DistillOptimizer } from '@distill/core';
import { distillOptimizer } from './distill-optimizer.js';
import { FusedAdamOptimizer } from './fused-optimizers.js';

const paramsSchema = {
  type: 'object',
  properties: {
    learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.001, description: 'Step size (schedulers scale it).' },
    beta1: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Decay rate of the first-moment estimates.' },
    beta2: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'Decay rate of the second-moment estimates.' },
    epsilon: { type: 'number', exclusiveMinimum: 0, default: 1e-7, description: 'Added to the denominator for numerical stability.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'optimizer',
  name: 'adam',
  description: 'Adam: adaptive moment estimation.',
  paramsSchema,
  create: (params): DistillOptimizer =>
    distillOptimizer(new FusedAdamOptimizer(params.learningRate, params.beta1, params.beta2, params.epsilon), params.learningRate),
});
