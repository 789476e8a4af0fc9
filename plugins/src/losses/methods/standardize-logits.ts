// The z-score of each sample's logits (Sun et al., "Logit Standardization in Knowledge Distillation", CVPR 2024),
// shared by the `standardize` option of kl-divergence and dkd and by the method library's logit-standardization.ts.
import * as tf from '@tensorflow/tfjs';

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

