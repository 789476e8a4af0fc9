// Probabilistic knowledge transfer (Passalis & Tefas, "Learning Deep Representations with Probabilistic Knowledge
// Transfer", ECCV 2018, §3): the student's batch-wise neighbour probabilities under a cosine-similarity kernel are
// pulled towards the teacher's by a KL divergence. Conventions: docs/loss-conventions.md#pkt-probabilistic-knowledge-transfer;
// reference: test/reference/pkt.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, flattenFeatures, type DistillLoss } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { checkLayerPair, featuresOf, studentLayerSchema, teacherLayerSchema } from './tapped-layers.js';

export interface PktParams {
  /** Keeps the normalisation x / (‖x‖ + ε) and the ratio log((p + ε)/(q + ε)) finite. */
  epsilon?: number;
}

export const PKT_DEFAULTS = { epsilon: 1e-7 } as const;

/**
 * P[i, j] = p_{i|j} = K(x_i, x_j) / Σ_{k≠j} K(x_k, x_j) with K(a, b) = ½ (cos(a, b) + 1), zero on the diagonal.
 */
export function neighbourProbabilities(features: tf.Tensor2D, epsilon: number = PKT_DEFAULTS.epsilon): tf.Tensor2D {
  return tf.tidy(() => {
    const n = features.shape[0];
    const unit = features.div(tf.sqrt(tf.square(features).sum(1, true)).add(epsilon));
    const kernel = tf.matMul(unit, unit, false, true).add(1).mul(0.5);
    const others = kernel.mul(tf.sub(1, tf.eye(n)));
    return others.div(others.sum(0, true)) as tf.Tensor2D;
  });
}

/**
 * (1/N) Σ_i Σ_{j≠i} p_{j|i} log((p_{j|i} + ε)/(q_{j|i} + ε)) for [N, d] features (the widths may differ): the paper's
 * sum over the N anchors, divided by N. The teacher's features get no gradient.
 */
export function pktLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, params: PktParams = {}): tf.Scalar {
  if (student.rank !== 2 || teacher.rank !== 2 || student.shape[0] !== teacher.shape[0] || student.shape[0] < 2) {
    throw new Error(`pkt needs [batch, width] features of the same batch of at least 2 samples; got student [${student.shape}] and teacher [${teacher.shape}]`);
  }
  const { epsilon = PKT_DEFAULTS.epsilon } = params;
  return tf.tidy(() => {
    const p = neighbourProbabilities(stopGradient(teacher), epsilon);
    const q = neighbourProbabilities(student, epsilon);
    return p.mul(tf.log(p.add(epsilon).div(q.add(epsilon)))).sum().div(student.shape[0]) as tf.Scalar;
  });
}

// ——— The `pkt` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { ...teacherLayerSchema, description: "The teacher layer whose batch-wise neighbour probabilities are the target (the paper uses the penultimate representation); flattened per sample." },
    studentLayer: { ...studentLayerSchema, description: 'The student layer whose neighbour probabilities are matched; its width may differ from the teacher\'s.' },
    epsilon: { type: 'number', exclusiveMinimum: 0, default: PKT_DEFAULTS.epsilon, description: 'Keeps the normalisation and the log ratio finite (1e-7).' },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'pkt',
  description: "Probabilistic knowledge transfer (Passalis & Tefas, ECCV 2018): KL between the teacher's and the student's batch-wise neighbour probabilities under a cosine kernel.",
  paramsSchema,
  create: (params): DistillLoss => ({
    requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
    compute: ({ studentFeatures, teacherFeatures }) =>
      tf.tidy(() =>
        pktLoss(flattenFeatures(featuresOf(studentFeatures, params.studentLayer, 'student')), flattenFeatures(featuresOf(teacherFeatures, params.teacherLayer, 'teacher')), {
          epsilon: params.epsilon,
        }),
      ),
  }),
  check: checkLayerPair,
});
