// Relational knowledge distillation (Park, Kim, Lu & Cho, "Relational Knowledge Distillation", CVPR 2019, §3.2): the
// student's batch keeps the teacher's relations between examples, their mutual distances (normalised by the mean
// distance) and the angles they form, through a Huber loss on each. Conventions: docs/loss-conventions.md#rkd-relational-knowledge-distillation;
// reference: test/reference/rkd.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, flattenFeatures, type DistillLoss } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { checkLayerPair, featuresOf, studentLayerSchema, teacherLayerSchema } from './tapped-layers.js';

export interface RkdParams {
  /** λ_D, the weight of the distance-wise term (25). */
  distanceWeight?: number;
  /** λ_A, the weight of the angle-wise term (50). */
  angleWeight?: number;
}

export const RKD_DEFAULTS = { distanceWeight: 25, angleWeight: 50 } as const;

/** Squared lengths below this floor are treated as zero-length: keeps sqrt and the unit vectors' gradients finite. */
const SQUARED_FLOOR = 1e-12;

/** λ_D · L_RKD-D + λ_A · L_RKD-A for [N, d] embeddings (the widths may differ); the teacher's get no gradient. */
export function rkdLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, params: RkdParams = {}): tf.Scalar {
  const { distanceWeight = RKD_DEFAULTS.distanceWeight, angleWeight = RKD_DEFAULTS.angleWeight } = params;
  return tf.tidy(() => rkdDistanceLoss(student, teacher).mul(distanceWeight).add(rkdAngleLoss(student, teacher).mul(angleWeight)) as tf.Scalar);
}

/** L_RKD-D: the Huber loss between the two sides' normalised distances, averaged over the N(N−1) ordered pairs. */
export function rkdDistanceLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  checkBatch(student, teacher, 2);
  return tf.tidy(() => {
    const n = student.shape[0];
    const losses = huber(distancePotentials(student), distancePotentials(stopGradient(teacher)));
    return losses.mul(offDiagonal(n)).sum().div(n * (n - 1)) as tf.Scalar;
  });
}

/** L_RKD-A: the Huber loss between the two sides' angle cosines, averaged over the N(N−1)(N−2) ordered triplets. */
export function rkdAngleLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  checkBatch(student, teacher, 3);
  return tf.tidy(() => {
    const n = student.shape[0];
    const off = offDiagonal(n);
    const distinct = off.expandDims(2).mul(off.expandDims(1)).mul(off.expandDims(0)); // [j, i, k]: i, j, k all differ
    const losses = huber(anglePotentials(student), anglePotentials(stopGradient(teacher)));
    return losses.mul(distinct).sum().div(n * (n - 1) * (n - 2)) as tf.Scalar;
  });
}

/** [j, i, :] = e_i − e_j. */
function differences(e: tf.Tensor2D): tf.Tensor3D {
  return e.expandDims(0).sub(e.expandDims(1));
}

/** ψ_D: distances over the mean distance of the distinct pairs; 0 on the diagonal. */
function distancePotentials(e: tf.Tensor2D): tf.Tensor2D {
  const n = e.shape[0];
  const distances = tf.sqrt(tf.maximum(tf.square(differences(e)).sum(2), SQUARED_FLOOR)).mul(offDiagonal(n));
  return distances.div(distances.sum().div(n * (n - 1))) as tf.Tensor2D;
}

/** ψ_A: [j, i, k] = ⟨e^{ij}, e^{kj}⟩, the cosine of the angle at e_j (meaningless, and masked out, where indices repeat). */
function anglePotentials(e: tf.Tensor2D): tf.Tensor3D {
  const d = differences(e);
  const unit = d.div(tf.sqrt(tf.maximum(tf.square(d).sum(2, true), SQUARED_FLOOR)));
  return tf.matMul(unit as tf.Tensor3D, unit as tf.Tensor3D, false, true);
}

/** Huber loss with δ = 1 (smooth L1), elementwise: ½ min(d, 1)² + (d − min(d, 1)) for d = |x − y|. */
function huber<T extends tf.Tensor>(x: T, y: T): T {
  const d = tf.abs(x.sub(y));
  const clipped = tf.minimum(d, 1);
  return clipped.square().mul(0.5).add(d.sub(clipped)) as T;
}

function offDiagonal(n: number): tf.Tensor2D {
  return tf.sub(1, tf.eye(n));
}

function checkBatch(student: tf.Tensor, teacher: tf.Tensor, minimum: number): void {
  if (student.rank !== 2 || teacher.rank !== 2 || student.shape[0] !== teacher.shape[0] || student.shape[0] < minimum) {
    throw new Error(`rkd needs [batch, width] embeddings of the same batch of at least ${minimum} samples; got student [${student.shape}] and teacher [${teacher.shape}]`);
  }
}

// ——— The `rkd` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { ...teacherLayerSchema, description: "The teacher's embedding layer (the paper uses the final embedding); flattened per sample." },
    studentLayer: { ...studentLayerSchema, description: "The student's embedding layer; its width may differ from the teacher's." },
    distanceWeight: { type: 'number', minimum: 0, default: RKD_DEFAULTS.distanceWeight, description: 'λ_D, the weight of the distance-wise term (25, the paper\'s classification setting).' },
    angleWeight: { type: 'number', minimum: 0, default: RKD_DEFAULTS.angleWeight, description: 'λ_A, the weight of the angle-wise term (50).' },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'rkd',
  description: "Relational knowledge distillation (Park et al., CVPR 2019): the student's batch keeps the teacher's normalised pairwise distances (λ_D = 25) and triplet angles (λ_A = 50), Huber loss on each.",
  paramsSchema,
  create: (params): DistillLoss => ({
    requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
    compute: ({ studentFeatures, teacherFeatures }) =>
      tf.tidy(() =>
        rkdLoss(flattenFeatures(featuresOf(studentFeatures, params.studentLayer, 'student')), flattenFeatures(featuresOf(teacherFeatures, params.teacherLayer, 'teacher')), {
          distanceWeight: params.distanceWeight,
          angleWeight: params.angleWeight,
        }),
      ),
  }),
  check: checkLayerPair,
});
