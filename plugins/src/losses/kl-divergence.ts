// The `kl-divergence` loss: output distillation (Hinton et al. 2015), KL(teacher ‖ student) between the softened
// distributions, summed over classes, averaged over the batch, times T² by default (docs/loss-conventions.md). The
// teacher's side may be logits, probabilities (a teacher source that gives only those, softened as p^(1/T)
// renormalised), or several teachers' outputs combined: their logits averaged, or their softened probabilities
// averaged (docs/teachers.md). With `standardize`, logits become per-sample z-scores first (logit standardisation,
// Sun et al., CVPR 2024; docs/methods.md), which needs logits from every teacher.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, scheduledNumberSchema, valueAt, type DistillLoss, type LossInputs, type ScheduledNumber, type TeacherInputs } from '@distill/core';
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
    standardize: {
      type: 'boolean',
      default: false,
      description:
        "Logit standardisation (Sun et al., CVPR 2024): each sample's logits, teacher and student, become z-scores (z − mean)/(σ + 1e-7) before the softmax, so the student matches the teacher's logit relations rather than their scale; needs teachers that give logits. The paper's base temperature is 2.",
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
  description: "Output distillation (Hinton et al. 2015): KL(teacher ‖ student) of the outputs softened by temperature T, batch mean, × T² by default; from logits, probabilities, or several teachers averaged; optionally on standardised logits (Sun et al., CVPR 2024).",
  paramsSchema,
  create: (params): DistillLoss => {
    const temperature = params.temperature as ScheduledNumber;
    const names = params.teachers;
    const aggregate = params.aggregate as 'logits' | 'probabilities';
    return {
      // Averaged or standardised logits need logits from every teacher; otherwise probabilities do too.
      requires: { ...(aggregate === 'logits' || params.standardize ? { teacherLogits: true } : { teacherOutputs: true }), ...(names ? { teachers: names } : {}) },
      scheduledValues: (epoch, epochs) => ({ temperature: valueAt(temperature, epoch, epochs) }),
      compute: (inputs: LossInputs) => {
        const t = valueAt(temperature, inputs.epoch, inputs.epochs);
        return tf.tidy(() => {
          const teacher = (one: TeacherInputs): TeacherInputs => (params.standardize ? { ...one, logits: standardizedTeacher(one) } : one);
          const target = names
            ? ensembleLogTarget(names.map((name) => teacher(teacherOf(inputs, name))), aggregate, t)
            : softenedLogTarget(teacher({ logits: inputs.teacherLogits, probabilities: inputs.teacherProbabilities } as TeacherInputs), t);
          const student = params.standardize ? standardizeLogits(inputs.studentLogits) : inputs.studentLogits;
          return klFromLogTarget(target, student, t, params.scaleByTemperatureSquared);
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

function standardizedTeacher(teacher: TeacherInputs): tf.Tensor2D {
  if (!teacher.logits) throw new Error('kl-divergence: standardize needs the teacher logits, which the trainer did not pass');
  return standardizeLogits(stopGradient(teacher.logits));
}
