// The `exponential` scheduler: multiplies the learning rate by gamma every epoch, or smoothly every decaySteps steps.
import { definePlugin, type LearningRateSchedule } from '@distill/core';
import { epochOf, warmupFactor, warmupLength, warmupProperties } from './warmup.js';

const paramsSchema = {
  type: 'object',
  properties: {
    gamma: { type: 'number', exclusiveMinimum: 0, default: 0.95, description: 'Factor applied to the rate per epoch (or per decaySteps steps).' },
    decaySteps: {
      type: 'integer',
      minimum: 1,
      description: 'Decay continuously, by gamma every decaySteps steps (base · gamma^(step / decaySteps)), instead of once per epoch.',
    },
    ...warmupProperties,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'scheduler',
  name: 'exponential',
  description: 'Exponential decay: base · gamma^epoch, or base · gamma^(step / decaySteps); optional linear warmup.',
  paramsSchema,
  create: (params): LearningRateSchedule => ({
    learningRateAt: (step, context) => {
      const exponent = params.decaySteps ? step / params.decaySteps : epochOf(step, context);
      return context.baseLearningRate * params.gamma ** exponent * warmupFactor(step, warmupLength(params, context));
    },
  }),
});
