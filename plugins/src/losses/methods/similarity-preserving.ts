// Similarity-preserving knowledge distillation (Tung & Mori, "Similarity-Preserving Knowledge Distillation", ICCV 2019,
// §3): samples that the teacher's layer finds similar to each other should be similar in the student's layer too; the
// batch's row-normalised similarity matrices are matched. Conventions: docs/loss-conventions.md#similarity-preserving;
// reference: test/reference/similarity_preserving.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillLoss } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { featuresOf, findLayers, layerPairSchema } from './tapped-layers.js';
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

// ——— The `similarity-preserving` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    pairs: {
      type: 'array',
      minItems: 1,
      description: "Teacher/student layers whose batch similarity matrices are matched; any shapes (a conv map or a dense layer), summed over the pairs. The paper's γ (3000 on CIFAR-10) is the loss's weight.",
      items: layerPairSchema,
    },
  },
  required: ['pairs'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'similarity-preserving',
  description: "Similarity-preserving KD (Tung & Mori, ICCV 2019): the student's row-normalised batch similarity matrix G = Q·Qᵀ pulled towards the teacher's, ‖G_t − G_s‖²_F / b² per layer pair.",
  paramsSchema,
  create: (params): DistillLoss => ({
    requires: { teacherLayers: params.pairs.map((pair) => pair.teacherLayer), studentLayers: params.pairs.map((pair) => pair.studentLayer) },
    compute: ({ studentFeatures, teacherFeatures }) =>
      similarityPreservingLoss(
        params.pairs.map((pair) => featuresOf(studentFeatures, pair.studentLayer, 'student')),
        params.pairs.map((pair) => featuresOf(teacherFeatures, pair.teacherLayer, 'teacher')),
      ),
  }),
  check: async (params, context) =>
    (
      await findLayers(
        context,
        params.pairs.flatMap((pair, i) => [
          { role: 'teacher' as const, name: pair.teacherLayer, pointer: `/pairs/${i}/teacherLayer` },
          { role: 'student' as const, name: pair.studentLayer, pointer: `/pairs/${i}/studentLayer` },
        ]),
      )
    ).issues,
});
