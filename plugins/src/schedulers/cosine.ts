// The `cosine` scheduler: optional linear warmup, then a half-cosine from the base rate down to minLearningRate over the
// remaining steps (Loshchilov & Hutter's SGDR without restarts).
import { definePlugin, type LearningRateSchedule } from '@distill/core';
import { warmupFactor, warmupLength, warmupProperties } from './warmup.js';

const paramsSchema = {
  type: 'object',
  properties: {
    minLearningRate: { type: 'number', minimum: 0, default: 0, description: 'Rate reached at the end of training.' },
    ...warmupProperties,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'scheduler',
  name: 'cosine',
  description: 'Cosine annealing from the base rate to minLearningRate over the steps after an optional linear warmup.',
  paramsSchema,
  create: (params): LearningRateSchedule => ({
    learningRateAt: (step, context) => {
      const warmup = warmupLength(params, context);
      const progress = Math.min(1, Math.max(0, (step - warmup) / Math.max(1, context.totalSteps - warmup)));
      const annealed = params.minLearningRate + (context.baseLearningRate - params.minLearningRate) * (1 + Math.cos(Math.PI * progress)) / 2;
      return annealed * warmupFactor(step, warmup);
    },
  }),
});
