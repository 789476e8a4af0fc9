// The `sgd` optimizer: plain stochastic gradient descent, or with (Nesterov) momentum.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillOptimizer } from '@distill/core';
import { distillOptimizer } from './distill-optimizer.js';
import { FusedMomentumOptimizer } from './fused-optimizers.js';

const paramsSchema = {
  type: 'object',
  properties: {
    learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'Step size (schedulers scale it).' },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Momentum factor (0: plain SGD).' },
    nesterov: { type: 'boolean', default: false, description: 'Use Nesterov momentum (only with momentum > 0).' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'optimizer',
  name: 'sgd',
  description: 'Stochastic gradient descent, with optional momentum and Nesterov momentum.',
  paramsSchema,
  create: (params): DistillOptimizer => {
    const optimizer =
      params.momentum > 0 ? new FusedMomentumOptimizer(params.learningRate, params.momentum, params.nesterov) : tf.train.sgd(params.learningRate);
    return distillOptimizer(optimizer, params.learningRate);
  },
  check: (params) =>
    params.nesterov && params.momentum === 0
      ? [{ pointer: '/nesterov', message: 'Nesterov momentum needs momentum > 0', hint: 'set "momentum", e.g. 0.9' }]
      : [],
});
