// The `kl-divergence` loss: output distillation (Hinton et al. 2015), KL(teacher ‖ student) between the softened
// distributions, summed over classes, averaged over the batch, times T² by default (docs/loss-conventions.md). The
// teacher's side may be logits, probabilities (a teacher source that gives only those, softened as p^(1/T)
// renormalised), or several teachers' outputs combined: their logits averaged, or their softened probabilities
// averaged (docs/teachers.md).
import * as tf from '@tensorflow/tfjs';
import { definePlugin, scheduledNumberSchema, valueAt, type DistillLoss, type LossInputs, type ScheduledNumber, type TeacherInputs } from '@distill/core';
import { stopGradient } from './stop-gradient.js';
import { softmaxOnly } from './softmax-only.js';

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
    teachers: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 2,
      uniqueItems: true,
      description: "Learn from several teachers at once (names in the manifest's teachers), combined as `aggregate` says; default: the loss's one teacher.",
    },
    aggregate: {
      enum: ['probabilities', 'logits'],
      default: 'probabilities',
      description: "With `teachers`: average their softened probabilities (any teacher), or average their logits, then soften (teachers that give logits).",
    },
  },
  additionalProperties: false,
} as const;

/** The floor of probabilities before a log: 0 stays 0 after exp, and float32 holds it. */
const TINY = 1e-30;

/** KL(softmax(t/T) ‖ softmax(s/T)), mean over the batch, with log_softmax on both sides (no log of a softmax). */
export function klDivergence(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D, temperature: number, scaleByTemperatureSquared: boolean): tf.Scalar {
  return tf.tidy(() => klFromLogTarget(tf.logSoftmax(stopGradient(teacherLogits).div(temperature)) as tf.Tensor2D, studentLogits, temperature, scaleByTemperatureSquared));
}

/** KL(p ‖ softmax(s/T)) for a target given as log-probabilities `logP` (already softened). */
function klFromLogTarget(logP: tf.Tensor2D, studentLogits: tf.Tensor2D, temperature: number, scale: boolean): tf.Scalar {
  return tf.tidy(() => {
    const logQ = tf.logSoftmax(studentLogits.div(temperature));
    const batchMean = tf.exp(logP).mul(logP.sub(logQ)).sum().div(studentLogits.shape[0]);
    return (scale ? batchMean.mul(temperature * temperature) : batchMean) as tf.Scalar;
  });
}

/**
 * The softened log-probabilities of one teacher: log_softmax(t/T) from logits; from probabilities p, p^(1/T)
 * renormalised, i.e. log_softmax(log p / T): the same distribution softmax(t/T) gives when p = softmax(t). Classes a
 * top-k teacher left at 0 stay exactly 0 at any temperature (their log is floored, and their terms vanish).
 */
export function softenedLogTarget(teacher: Pick<TeacherInputs, 'logits' | 'probabilities'>, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (teacher.logits) return tf.logSoftmax(stopGradient(teacher.logits).div(temperature)) as tf.Tensor2D;
    if (!teacher.probabilities) throw new Error('kl-divergence: the teacher gave neither logits nor probabilities');
    const p = stopGradient(teacher.probabilities);
    const powered = tf.exp(tf.log(tf.maximum(p, TINY)).div(temperature)).mul(p.greater(0).toFloat());
    return tf.log(tf.maximum(powered.div(powered.sum(1, true)), TINY)) as tf.Tensor2D;
  });
}

/** Several teachers' targets combined: the mean of their logits softened, or the mean of their softened probabilities. */
export function ensembleLogTarget(teachers: readonly TeacherInputs[], aggregate: 'logits' | 'probabilities', temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (aggregate === 'logits') {
      const logits = teachers.map((t, i) => {
        if (!t.logits) throw new Error(`kl-divergence: teacher ${i + 1} of the ensemble gave no logits`);
        return stopGradient(t.logits);
      });
      return tf.logSoftmax(tf.addN(logits).div(teachers.length * temperature)) as tf.Tensor2D;
    }
    const mean = tf.addN(teachers.map((t) => tf.exp(softenedLogTarget(t, temperature)))).div(teachers.length);
    return tf.log(tf.maximum(mean, TINY)) as tf.Tensor2D;
  });
}

export default definePlugin({
  kind: 'loss',
  name: 'kl-divergence',
  description: "Output distillation: KL(teacher ‖ student) of the outputs softened by temperature T, batch mean, × T² by default; from logits, probabilities, or several teachers averaged.",
  paramsSchema,
  create: (params): DistillLoss => {
    const temperature = params.temperature as ScheduledNumber;
    const names = params.teachers;
    const aggregate = params.aggregate as 'logits' | 'probabilities';
    return {
      // Averaged logits need logits from every teacher; otherwise probabilities do too.
      requires: names ? { ...(aggregate === 'logits' ? { teacherLogits: true } : { teacherOutputs: true }), teachers: names } : { teacherOutputs: true },
      scheduledValues: (epoch, epochs) => ({ temperature: valueAt(temperature, epoch, epochs) }),
      compute: (inputs: LossInputs) => {
        const t = valueAt(temperature, inputs.epoch, inputs.epochs);
        return tf.tidy(() => {
          const target = names
            ? ensembleLogTarget(names.map((name) => teacherOf(inputs, name)), aggregate, t)
            : softenedLogTarget({ logits: inputs.teacherLogits, probabilities: inputs.teacherProbabilities }, t);
          return klFromLogTarget(target, inputs.studentLogits, t, params.scaleByTemperatureSquared);
        });
      },
    };
  },
  check: async (_params, context) => softmaxOnly('kl-divergence', context),
});

function teacherOf(inputs: LossInputs, name: string): TeacherInputs {
  const teacher = inputs.teachers[name];
  if (!teacher) throw new Error(`kl-divergence: the trainer passed no outputs of teacher "${name}"`);
  return teacher;
}
