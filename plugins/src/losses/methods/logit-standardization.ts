// Logit standardisation (Sun, Ren, Li, Wang & Cao, "Logit Standardization in Knowledge Distillation", CVPR 2024,
// Algorithm 1): each sample's logits become z-scores before the softmax of KD or DKD, so the student matches the
// relations between the teacher's logits rather than their scale. Conventions: docs/loss-conventions.md#logit-standardisation;
// reference: test/reference/logit_standardization.py.
import * as tf from '@tensorflow/tfjs';
import { klDivergence } from '../kl-divergence.js';
import { stopGradient } from '../stop-gradient.js';
import { dkdLoss, type DkdParams } from './dkd.js';

export interface LogitStandardizationParams {
  /** The base temperature τ applied to the z-scores (2). */
  temperature?: number;
  /** Added to the standard deviation, so that equal logits do not divide by zero (1e-7). */
  epsilon?: number;
}

export const LOGIT_STANDARDIZATION_DEFAULTS = { temperature: 2, epsilon: 1e-7 } as const;

/** (z − mean(z)) / (σ(z) + ε) per sample, mean and σ over the classes, σ the population standard deviation. */
export function standardizeLogits(logits: tf.Tensor2D, epsilon: number = LOGIT_STANDARDIZATION_DEFAULTS.epsilon): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = logits.sub(logits.mean(1, true));
    const sigma = tf.sqrt(tf.square(centred).mean(1, true));
    return centred.div(sigma.add(epsilon)) as tf.Tensor2D;
  });
}

/** KD on standardised logits: τ² · the batch mean of KL(softmax(z̃_t/τ) ‖ softmax(z̃_s/τ)). */
export function logitStandardizedKdLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, params: LogitStandardizationParams = {}): tf.Scalar {
  const { temperature = LOGIT_STANDARDIZATION_DEFAULTS.temperature, epsilon = LOGIT_STANDARDIZATION_DEFAULTS.epsilon } = params;
  return tf.tidy(() => klDivergence(standardizeLogits(stopGradient(teacherLogits), epsilon), standardizeLogits(studentLogits, epsilon), temperature, true));
}

/** DKD on standardised logits, the base temperature τ in the place of DKD's temperature. */
export function logitStandardizedDkdLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  params: DkdParams & { epsilon?: number } = {},
): tf.Scalar {
  const { epsilon = LOGIT_STANDARDIZATION_DEFAULTS.epsilon, temperature = LOGIT_STANDARDIZATION_DEFAULTS.temperature, ...weights } = params;
  return tf.tidy(() =>
    dkdLoss(standardizeLogits(studentLogits, epsilon), standardizeLogits(stopGradient(teacherLogits), epsilon), labels, { ...weights, temperature }),
  );
}
