// The `constant` scheduler: the optimizer's learning rate throughout, after an optional warmup.
import { definePlugin, type LearningRateSchedule } from '@distill/core';
import { warmupFactor, warmupLength, warmupProperties } from './warmup.js';

const paramsSchema = {
  type: 'object',
  properties: { ...warmupProperties },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'scheduler',
  name: 'constant',
  description: "The optimizer's learning rate at every step, after an optional linear warmup.",
  paramsSchema,
  create: (params): LearningRateSchedule => ({
    learningRateAt: (step, context) => context.baseLearningRate * warmupFactor(step, warmupLength(params, context)),
  }),
});
