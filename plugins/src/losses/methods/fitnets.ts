// FitNets hint loss (Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015, Eq. (3)): the student's guided
// layer, already mapped onto the teacher's hint layer by the regressor (a trainable connector the loss owns), is
// pulled towards the hint. Conventions: docs/loss-conventions.md#fitnets-hint-loss; reference: test/reference/fitnets.py.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../stop-gradient.js';

/**
 * ½ ‖u_h − r(v_g)‖² per sample, summed over every non-batch axis (H×W×C for an NHWC map), averaged over the batch.
 * `regressedStudent` is r(v_g(x)) and must have the hint's shape; the hint gets no gradient.
 */
export function fitnetsHintLoss(regressedStudent: tf.Tensor, teacherHint: tf.Tensor): tf.Scalar {
  if (regressedStudent.shape.join() !== teacherHint.shape.join()) {
    throw new Error(
      `fitnets: the regressed student map [${regressedStudent.shape}] must have the teacher hint's shape [${teacherHint.shape}]; the regressor maps the guided layer onto the hint layer`,
    );
  }
  return tf.tidy(() => tf.squaredDifference(regressedStudent, stopGradient(teacherHint)).sum().div(2 * teacherHint.shape[0]) as tf.Scalar);
}
