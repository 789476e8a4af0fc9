// The `rmsprop` optimizer (Hinton's RMSProp, as tf.train.rmsprop).
import { definePlugin, type DistillOptimizer } from '@distill/core';
import { distillOptimizer } from './distill-optimizer.js';
import { FusedRMSPropOptimizer } from './fused-optimizers.js';

const paramsSchema = {
  type: 'object',
  properties: {
    learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.001, description: 'Step size (schedulers scale it).' },
    decay: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Discount of the running mean of squared gradients.' },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Momentum factor (0: none).' },
    epsilon: { type: 'number', exclusiveMinimum: 0, default: 1e-7, description: 'Added to the denominator for numerical stability.' },
    centered: { type: 'boolean', default: false, description: 'Normalise by the estimated variance of the gradient instead of its second moment.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'optimizer',
  name: 'rmsprop',
  description: 'RMSProp: divides the gradient by a running root mean square of recent gradients.',
  paramsSchema,
  create: (params): DistillOptimizer =>
    distillOptimizer(new FusedRMSPropOptimizer(params.learningRate, params.decay, params.momentum, params.epsilon, params.centered), params.learningRate),
});
