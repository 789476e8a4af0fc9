// The `step` scheduler: multiplies the learning rate by gamma every stepEpochs epochs.
import { definePlugin, type LearningRateSchedule } from '@distill/core';
import { epochOf, warmupFactor, warmupLength, warmupProperties } from './warmup.js';

const paramsSchema = {
  type: 'object',
  properties: {
    stepEpochs: { type: 'integer', minimum: 1, default: 10, description: 'Epochs between two decays.' },
    gamma: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Factor applied to the rate at each decay.' },
    ...warmupProperties,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'scheduler',
  name: 'step',
  description: 'Step decay: base · gamma^floor(epoch / stepEpochs), after an optional linear warmup.',
  paramsSchema,
  create: (params): LearningRateSchedule => ({
    learningRateAt: (step, context) =>
      context.baseLearningRate *
      params.gamma ** Math.floor(epochOf(step, context) / params.stepEpochs) *
      warmupFactor(step, warmupLength(params, context)),
  }),
});
