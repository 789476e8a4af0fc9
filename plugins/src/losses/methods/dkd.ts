// Decoupled knowledge distillation (Zhao, Cui, Song, Qiu & Liang, "Decoupled Knowledge Distillation", CVPR 2022, §3):
// classical KD split into target-class KD (TCKD: the binary target-vs-rest distributions) and non-target-class KD
// (NCKD: the distributions among the other classes), weighted independently by α and β.
// Conventions: docs/loss-conventions.md#dkd-decoupled-knowledge-distillation; reference: test/reference/dkd.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillLoss } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { softmaxOnly } from '../softmax-only.js';
import { standardizeLogits } from './standardize-logits.js';

export interface DkdParams {
  /** α, the weight of TCKD (1). */
  alpha?: number;
  /** β, the weight of NCKD (8, the paper's CIFAR-100 value). */
  beta?: number;
  /** Softmax temperature T (4); both terms are multiplied by T². */
  temperature?: number;
}

export const DKD_DEFAULTS = { alpha: 1, beta: 8, temperature: 4, warmupEpochs: 20 } as const;

/** Lower bound for a logit excluded from a maximum (the target class among the non-target ones). */
const EXCLUDED = -1e30;

/**
 * TCKD and NCKD of a batch, each T² · the batch mean of its KL divergence. `labels` holds each sample's target class
 * (int32, [batch]). The teacher's logits get no gradient.
 */
export function dkdTerms(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, labels: tf.Tensor1D, temperature: number = DKD_DEFAULTS.temperature): { tckd: tf.Scalar; nckd: tf.Scalar } {
  checkShapes(studentLogits, teacherLogits, labels);
  return tf.tidy(() => {
    const target = tf.cast(tf.oneHot(labels, studentLogits.shape[1]), 'float32') as tf.Tensor2D;
    const s = decompose(studentLogits.div<tf.Tensor2D>(temperature), target);
    const t = decompose(stopGradient(teacherLogits).div<tf.Tensor2D>(temperature), target);
    const binaryKl = tf.exp(t.logTarget).mul(t.logTarget.sub(s.logTarget)).add(tf.exp(t.logOthers).mul(t.logOthers.sub(s.logOthers)));
    const nonTargetKl = tf.exp(t.logHat).mul(t.logHat.sub(s.logHat)).mul(tf.sub(1, target)).sum(1);
    const scale = temperature * temperature;
    return { tckd: binaryKl.mean().mul(scale) as tf.Scalar, nckd: nonTargetKl.mean().mul(scale) as tf.Scalar };
  });
}

/** T² · the batch mean of (α · TCKD + β · NCKD). */
export function dkdLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, labels: tf.Tensor1D, params: DkdParams = {}): tf.Scalar {
  const { alpha = DKD_DEFAULTS.alpha, beta = DKD_DEFAULTS.beta, temperature = DKD_DEFAULTS.temperature } = params;
  return tf.tidy(() => {
    const { tckd, nckd } = dkdTerms(studentLogits, teacherLogits, labels, temperature);
    return tckd.mul(alpha).add(nckd.mul(beta)) as tf.Scalar;
  });
}

/** The factor on the DKD term in epoch `epoch` (counted from 0): a linear ramp, 1/warmupEpochs in the first epoch. */
export function dkdWarmupFactor(epoch: number, warmupEpochs: number = DKD_DEFAULTS.warmupEpochs): number {
  return Math.min((epoch + 1) / warmupEpochs, 1);
}

/**
 * Log-probabilities of softened logits z, in the pieces DKD needs: log p_target and log(1 − p_target) per sample,
 * and log p̂ (the softmax over the non-target classes alone), 0 at the target class. Computed from log-sum-exps, so
 * that neither a confident target nor a confident non-target class underflows.
 */
function decompose(z: tf.Tensor2D, target: tf.Tensor2D): { logTarget: tf.Tensor1D; logOthers: tf.Tensor1D; logHat: tf.Tensor2D } {
  const others = tf.sub<tf.Tensor2D>(1, target);
  const logAll = tf.logSumExp(z, 1);
  const logNonTarget = nonTargetLogSumExp(z, others);
  return {
    logTarget: z.mul(target).sum(1).sub(logAll),
    logOthers: logNonTarget.sub(logAll),
    logHat: z.sub(logNonTarget.expandDims(1)).mul(others) as tf.Tensor2D,
  };
}

/** log Σ_{c ≠ target} exp(z_c): shifted by the non-target maximum, the target's term zeroed before it can overflow. */
function nonTargetLogSumExp(z: tf.Tensor2D, others: tf.Tensor2D): tf.Tensor1D {
  const shift = stopGradient(z.mul(others).add(tf.sub(1, others).mul(EXCLUDED)).max(1, true));
  return tf.log(tf.exp(z.sub(shift).mul(others)).mul(others).sum(1)).add(shift.squeeze<tf.Tensor1D>([1]));
}

function checkShapes(student: tf.Tensor2D, teacher: tf.Tensor2D, labels: tf.Tensor1D): void {
  if (student.rank !== 2 || student.shape.join() !== teacher.shape.join() || labels.rank !== 1 || labels.shape[0] !== student.shape[0] || student.shape[1] < 2) {
    throw new Error(
      `dkd needs student and teacher logits of the same shape [batch, classes ≥ 2] and one label per sample; got student [${student.shape}], teacher [${teacher.shape}], labels [${labels.shape}]`,
    );
  }
  if (labels.dtype !== 'int32') throw new Error(`dkd: labels must be int32 class indices, got ${labels.dtype}`);
}

// ——— The `dkd` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    alpha: { type: 'number', minimum: 0, default: DKD_DEFAULTS.alpha, description: 'α, the weight of target-class KD (TCKD): 1.' },
    beta: { type: 'number', minimum: 0, default: DKD_DEFAULTS.beta, description: 'β, the weight of non-target-class KD (NCKD): 8, the paper\'s CIFAR-100 value.' },
    temperature: { type: 'number', exclusiveMinimum: 0, default: DKD_DEFAULTS.temperature, description: 'Softmax temperature T (4); both terms are multiplied by T².' },
    warmupEpochs: {
      type: 'integer',
      minimum: 1,
      default: DKD_DEFAULTS.warmupEpochs,
      description: "The term's factor grows linearly over this many epochs: min((epoch + 1)/warmupEpochs, 1) (20 of the paper's 240; scale it to the run's epochs).",
    },
    standardize: {
      type: 'boolean',
      default: false,
      description: "Logit standardisation (Sun et al., CVPR 2024): z-score each sample's logits before DKD; the paper's base temperature is then 2.",
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'dkd',
  description: 'Decoupled KD (Zhao et al., CVPR 2022): α·TCKD + β·NCKD at temperature T (α = 1, β = 8, T = 4), × T², warmed up linearly over 20 epochs; optionally on standardised logits.',
  paramsSchema,
  create: (params): DistillLoss => ({
    requires: { teacherLogits: true, labels: true },
    scheduledValues: (epoch) => ({ warmup: dkdWarmupFactor(epoch, params.warmupEpochs) }),
    compute: ({ studentLogits, teacherLogits, labels, labelMask, epoch }) => {
      if (!teacherLogits) throw new Error('dkd needs the teacher logits, which the trainer did not pass');
      return tf.tidy(() => {
        // A transfer-set sample has no label: the teacher's predicted class stands in as its target.
        const predicted = tf.argMax(teacherLogits, 1).toInt() as tf.Tensor1D;
        const targets = tf.where(labelMask.greater(0), labels, predicted) as tf.Tensor1D;
        const [student, teacher] = params.standardize ? [standardizeLogits(studentLogits), standardizeLogits(stopGradient(teacherLogits))] : [studentLogits, teacherLogits];
        const loss = dkdLoss(student, teacher, targets, { alpha: params.alpha, beta: params.beta, temperature: params.temperature });
        return loss.mul(dkdWarmupFactor(epoch, params.warmupEpochs)) as tf.Scalar;
      });
    },
  }),
  check: async (_params, context) => softmaxOnly('dkd', context),
});
