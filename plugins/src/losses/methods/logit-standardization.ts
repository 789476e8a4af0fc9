// Logit standardisation (Sun, Ren, Li, Wang & Cao, "Logit Standardization in Knowledge Distillation", CVPR 2024,
// Algorithm 1): each sample's logits become z-scores before the softmax of KD or DKD, so the student matches the
// relations between the teacher's logits rather than their scale. Conventions: docs/loss-conventions.md#logit-standardisation;
// reference: test/reference/logit_standardization.py.
import * as tf from '@tensorflow/tfjs';
import { klDivergence } from '../kl-divergence.js';
import { stopGradient } from '../stop-gradient.js';
import { dkdLoss, type DkdParams } from './dkd.js';
import { LOGIT_STANDARDIZATION_DEFAULTS, standardizeLogits, type LogitStandardizationParams } from './standardize-logits.js';

export { LOGIT_STANDARDIZATION_DEFAULTS, standardizeLogits, type LogitStandardizationParams } from './standardize-logits.js';

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
