// The `kl-divergence` loss: output distillation (Hinton et al. 2015), KL(teacher ‖ student) between the softened
// distributions, summed over classes, averaged over the batch, times T² by default (docs/loss-conventions.md).
import * as tf from '@tensorflow/tfjs';
import { definePlugin, scheduledNumberSchema, valueAt, type DistillLoss, type ScheduledNumber } from '@distill/core';
import { stopGradient } from './stop-gradient.js';
import { softmaxOnly } from './softmax-only.js';
import { standardizeLogits } from './methods/standardize-logits.js';

const paramsSchema = {
  type: 'object',
  properties: {
    temperature: {
      ...scheduledNumberSchema('Softmax temperature T applied to both logits: a number, or a schedule over epochs.', { exclusiveMinimum: 0 }),
      default: 4,
    },
    scaleByTemperatureSquared: {
      type: 'boolean',
      default: true,
      description: 'Multiply by T² so the gradient keeps its scale as T grows (Hinton et al. §2).',
    },
    standardize: {
      type: 'boolean',
      default: false,
      description:
        "Logit standardisation (Sun et al., CVPR 2024): each sample's logits, teacher and student, become z-scores (z − mean)/(σ + 1e-7) before the softmax, so the student matches the teacher's logit relations rather than their scale. The paper's base temperature is 2.",
    },
  },
  additionalProperties: false,
} as const;

/** KL(softmax(t/T) ‖ softmax(s/T)), mean over the batch, with log_softmax on both sides (no log of a softmax). */
export function klDivergence(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D, temperature: number, scaleByTemperatureSquared: boolean): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(stopGradient(teacherLogits).div(temperature));
    const logQ = tf.logSoftmax(studentLogits.div(temperature));
    const batchMean = tf.exp(logP).mul(logP.sub(logQ)).sum().div(studentLogits.shape[0]);
    return (scaleByTemperatureSquared ? batchMean.mul(temperature * temperature) : batchMean) as tf.Scalar;
  });
}

export default definePlugin({
  kind: 'loss',
  name: 'kl-divergence',
  description: 'Output distillation (Hinton et al. 2015): KL(teacher ‖ student) of the logits softened by temperature T, batch mean, × T² by default; optionally on standardised logits (Sun et al., CVPR 2024).',
  paramsSchema,
  create: (params): DistillLoss => {
    const temperature = params.temperature as ScheduledNumber;
    return {
      requires: { teacherLogits: true },
      scheduledValues: (epoch, epochs) => ({ temperature: valueAt(temperature, epoch, epochs) }),
      compute: ({ teacherLogits, studentLogits, epoch, epochs }) => {
        if (!teacherLogits) throw new Error('kl-divergence needs the teacher logits, which the trainer did not pass');
        const T = valueAt(temperature, epoch, epochs);
        if (!params.standardize) return klDivergence(teacherLogits, studentLogits, T, params.scaleByTemperatureSquared);
        return tf.tidy(() => klDivergence(standardizeLogits(stopGradient(teacherLogits)), standardizeLogits(studentLogits), T, params.scaleByTemperatureSquared));
      },
    };
  },
  check: async (_params, context) => softmaxOnly('kl-divergence', context),
});
