// Similarity-preserving knowledge distillation (Tung & Mori, "Similarity-Preserving Knowledge Distillation", ICCV 2019,
// §3): samples that the teacher's layer finds similar to each other should be similar in the student's layer too; the
// batch's row-normalised similarity matrices are matched. Conventions: docs/loss-conventions.md#similarity-preserving;
// reference: test/reference/similarity_preserving.py.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../stop-gradient.js';
import { l2Normalize } from './l2-normalize.js';

/** G: Q·Qᵀ of the batch's activations reshaped to [batch, everything else], each row divided by its L2 norm. */
export function similarityMatrix(activations: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const q = activations.reshape([activations.shape[0], -1]) as tf.Tensor2D;
    return l2Normalize(tf.matMul(q, q, false, true));
  });
}

/**
 * Σ over the layer pairs (studentMaps[j], teacherMaps[j]) of ‖G_t − G_s‖_F² / b², for activations of any shapes that
 * share the batch size b. The teacher's activations get no gradient.
 */
export function similarityPreservingLoss(studentMaps: readonly tf.Tensor[], teacherMaps: readonly tf.Tensor[]): tf.Scalar {
  if (studentMaps.length === 0 || studentMaps.length !== teacherMaps.length) {
    throw new Error(`similarity-preserving needs as many student as teacher layers; got ${studentMaps.length} and ${teacherMaps.length}`);
  }
  studentMaps.forEach((student, j) => {
    if (student.shape[0] !== teacherMaps[j].shape[0]) {
      throw new Error(`similarity-preserving pair ${j}: student [${student.shape}] and teacher [${teacherMaps[j].shape}] must have the same batch size`);
    }
  });
  return tf.tidy(() => {
    const terms = studentMaps.map((student, j) => {
      const b = student.shape[0];
      return tf.squaredDifference(similarityMatrix(stopGradient(teacherMaps[j])), similarityMatrix(student)).sum().div(b * b);
    });
    return tf.addN(terms) as tf.Scalar;
  });
}
