// `distill init plugin --kind optimizer`: SGD with momentum whose rate a scheduler can set, and a test that minimizes
// a small quadratic with it.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function optimizerTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` optimizer: stochastic gradient descent with momentum. Scaffolded by
// \`distill init plugin --kind optimizer\`.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillOptimizer } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'Step size; the scheduler scales it.' },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Momentum factor.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'optimizer',
  name: '${n.name}',
  description: 'Stochastic gradient descent with momentum.',
  paramsSchema,
  create: (params): DistillOptimizer => {
    const optimizer = tf.train.momentum(params.learningRate, params.momentum);
    return {
      optimizer,
      // The scheduler's rates are relative to this one.
      baseLearningRate: params.learningRate,
      // Called before every step with the scheduler's rate.
      setLearningRate: (learningRate) => optimizer.setLearningRate(learningRate),
      dispose: () => optimizer.dispose(),
    };
  },
});
`;
  const test = `// Tests of the \`${n.name}\` optimizer: it minimizes (w - 3)² and follows the learning rate it is given.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend, type DistillOptimizer } from '@distill/core';
import plugin from './${n.name}.js';

/** w after \`steps\` steps on (w - 3)² from w = 0. */
function minimize(built: DistillOptimizer, steps: number): number {
  const w = tf.variable(tf.scalar(0));
  for (let i = 0; i < steps; i++) built.optimizer.minimize(() => w.sub(3).square() as tf.Scalar, false, [w]);
  const value = w.dataSync()[0];
  w.dispose();
  return value;
}

// tfjs's plain JavaScript backend: small tensors need nothing faster.
beforeAll(async () => {
  await initBackend('cpu');
});

describe('${n.name} optimizer', () => {
  it('reaches the minimum of a quadratic', async () => {
    const built = await buildPlugin(plugin, { learningRate: 0.05 });
    expect(built.baseLearningRate).toBe(0.05);
    expect(minimize(built, 200)).toBeCloseTo(3, 3);
    built.dispose();
  });

  it('takes the learning rate the scheduler sets: a zero rate leaves the weights alone', async () => {
    const built = await buildPlugin(plugin, {});
    built.setLearningRate(0);
    expect(minimize(built, 10)).toBe(0);
    built.dispose();
  });
});
`;
  return { plugin, test, usage: `"optimizer": { "type": "${n.name}", "params": { "learningRate": 0.01 } }` };
}
