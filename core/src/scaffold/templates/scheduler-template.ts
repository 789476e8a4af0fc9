// `distill init plugin --kind scheduler`: a linear learning-rate decay, and a test of its values along a run.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function schedulerTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` scheduler: the learning rate falls linearly from the optimizer's rate to a fraction of it at the
// last step. Scaffolded by \`distill init plugin --kind scheduler\`.
import { definePlugin, type LearningRateSchedule } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    finalFraction: { type: 'number', minimum: 0, maximum: 1, default: 0.1, description: "The last step's rate, as a fraction of the base rate." },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'scheduler',
  name: '${n.name}',
  description: "Linear decay from the optimizer's rate to finalFraction of it at the last step.",
  paramsSchema,
  create: (params): LearningRateSchedule => ({
    // step counts from 0 over the whole stage; context has baseLearningRate, stepsPerEpoch and totalSteps.
    learningRateAt: (step, context) => {
      const progress = context.totalSteps > 1 ? Math.min(1, step / (context.totalSteps - 1)) : 1;
      return context.baseLearningRate * (1 - (1 - params.finalFraction) * progress);
    },
  }),
});
`;
  const test = `// Tests of the \`${n.name}\` scheduler: its rate at the first, middle and last step of a stage.
import { describe, expect, it } from 'vitest';
import { buildPlugin } from '@distill/core';
import plugin from './${n.name}.js';

const stage = { baseLearningRate: 0.1, stepsPerEpoch: 10, totalSteps: 101 };

describe('${n.name} scheduler', () => {
  it('starts at the base rate and ends at finalFraction of it, falling linearly', async () => {
    const schedule = await buildPlugin(plugin, { finalFraction: 0.2 });
    expect(schedule.learningRateAt(0, stage)).toBeCloseTo(0.1, 10);
    expect(schedule.learningRateAt(50, stage)).toBeCloseTo(0.06, 10);
    expect(schedule.learningRateAt(100, stage)).toBeCloseTo(0.02, 10);
  });

  it('never rises from one step to the next', async () => {
    const schedule = await buildPlugin(plugin, {});
    const rates = Array.from({ length: 101 }, (_, step) => schedule.learningRateAt(step, stage));
    expect(rates.every((rate, i) => i === 0 || rate <= rates[i - 1])).toBe(true);
  });
});
`;
  return { plugin, test, usage: `"scheduler": { "type": "${n.name}", "params": { "finalFraction": 0.1 } }` };
}
