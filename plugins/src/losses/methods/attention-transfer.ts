// Attention transfer (Zagoruyko & Komodakis, "Paying More Attention to Attention", ICLR 2017, Eq. (2)): the student's
// spatial attention maps (the channel-wise p-th power of its feature maps, flattened over the positions and
// L2-normalised) are pulled towards the teacher's, over one or more layer pairs with a β each.
// Conventions: docs/loss-conventions.md#attention-transfer; reference: test/reference/attention_transfer.py.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../stop-gradient.js';
import { l2Normalize } from './l2-normalize.js';
import { definePlugin, type DistillLoss, type SemanticIssue } from '@distill/core';
import { featuresOf, findLayers, shapeText, studentLayerSchema, teacherLayerSchema } from './tapped-layers.js';

export interface AttentionTransferParams {
  /** β per layer pair, in the order of the maps. 1000 is the paper's value for the 'squared' distance. */
  betas: readonly number[];
  /** The power p of the attention map Σ_c |A_c|^p (2 in the paper's experiments). */
  p?: number;
  /**
   * 'squared' (default): β/2 · the mean over the batch and the H·W positions of (q̂_s − q̂_t)², the form the common
   * β = 1000 is meant for (§4.1: β divided by the attention map's size and the batch size; the authors' code squares).
   * 'euclidean': Eq. (2) as printed, β/2 · the batch mean of ‖q̂_s − q̂_t‖₂ (not differentiable where the maps agree).
   */
  distance?: 'squared' | 'euclidean';
}

export const ATTENTION_TRANSFER_DEFAULTS = { beta: 1000, p: 2, distance: 'squared' } as const;

/**
 * The attention map of each sample of an NHWC feature map: Σ_c |A_c|^p at every position (averaged over the channels,
 * which the normalisation makes the same), flattened and divided by its L2 norm. Shape [batch, H·W].
 */
export function attentionMap(maps: tf.Tensor4D, p: number = ATTENTION_TRANSFER_DEFAULTS.p): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, height, width] = maps.shape;
    const powered = p === 2 ? tf.square(maps) : tf.pow(tf.abs(maps), p);
    return l2Normalize(powered.mean(3).reshape([batch, height * width]) as tf.Tensor2D);
  });
}

/**
 * Σ_j β_j/2 · distance(q̂_s^j, q̂_t^j) over the layer pairs (studentMaps[j], teacherMaps[j]), NHWC maps of the same
 * batch and spatial size (channel counts may differ). The teacher's maps get no gradient.
 */
export function attentionTransferLoss(
  studentMaps: readonly tf.Tensor4D[],
  teacherMaps: readonly tf.Tensor4D[],
  params: AttentionTransferParams,
): tf.Scalar {
  checkPairs(studentMaps, teacherMaps, params.betas);
  const { p = ATTENTION_TRANSFER_DEFAULTS.p, distance = ATTENTION_TRANSFER_DEFAULTS.distance } = params;
  return tf.tidy(() => {
    const terms = studentMaps.map((student, j) => {
      const [, height, width] = student.shape;
      const squared = tf.squaredDifference(attentionMap(student, p), attentionMap(stopGradient(teacherMaps[j]), p)).sum(1);
      const perSample = distance === 'squared' ? squared.div(height * width) : tf.sqrt(squared);
      return perSample.mean().mul(params.betas[j] / 2);
    });
    return tf.addN(terms) as tf.Scalar;
  });
}

function checkPairs(studentMaps: readonly tf.Tensor[], teacherMaps: readonly tf.Tensor[], betas: readonly number[]): void {
  if (studentMaps.length === 0 || studentMaps.length !== teacherMaps.length || betas.length !== studentMaps.length) {
    throw new Error(
      `attention transfer needs one β per layer pair and as many student as teacher maps; got ${studentMaps.length} student maps, ${teacherMaps.length} teacher maps and ${betas.length} β`,
    );
  }
  studentMaps.forEach((student, j) => {
    const teacher = teacherMaps[j];
    if (student.rank !== 4 || teacher.rank !== 4 || student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1] || student.shape[2] !== teacher.shape[2]) {
      throw new Error(
        `attention transfer pair ${j}: student map [${student.shape}] and teacher map [${teacher.shape}] must both be NHWC with the same batch, height and width; pick layers of the same spatial size or resize one of them`,
      );
    }
  });
}

// ——— The `attention-transfer` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    pairs: {
      type: 'array',
      minItems: 1,
      description: 'Teacher/student conv layers whose attention maps are matched; the two layers of a pair must have the same height and width (their channel counts may differ).',
      items: {
        type: 'object',
        properties: {
          teacherLayer: teacherLayerSchema,
          studentLayer: studentLayerSchema,
          beta: { type: 'number', exclusiveMinimum: 0, description: "This pair's β; default: the loss's beta." },
        },
        required: ['teacherLayer', 'studentLayer'],
        additionalProperties: false,
      },
    },
    beta: { type: 'number', exclusiveMinimum: 0, default: ATTENTION_TRANSFER_DEFAULTS.beta, description: 'β of each pair that gives none (1000, the paper\'s value, §4.1).' },
    p: { type: 'number', exclusiveMinimum: 0, default: ATTENTION_TRANSFER_DEFAULTS.p, description: 'The power p of the attention map Σ_c |A_c|^p (2 in the paper).' },
    distance: {
      enum: ['squared', 'euclidean'],
      default: ATTENTION_TRANSFER_DEFAULTS.distance,
      description: "'squared': β/2 · the mean over batch and positions of (q̂_s − q̂_t)², the form β = 1000 is meant for; 'euclidean': Eq. (2) as printed, β/2 · the batch mean of ‖q̂_s − q̂_t‖₂.",
    },
  },
  required: ['pairs'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'attention-transfer',
  description:
    'Attention transfer (Zagoruyko & Komodakis, ICLR 2017): the student\'s spatial attention maps (Σ_c |A_c|^p, L2-normalised) pulled towards the teacher\'s, p = 2, β = 1000 per layer pair.',
  paramsSchema,
  create: (params): DistillLoss => {
    const betas = params.pairs.map((pair) => pair.beta ?? params.beta);
    return {
      requires: { teacherLayers: params.pairs.map((pair) => pair.teacherLayer), studentLayers: params.pairs.map((pair) => pair.studentLayer) },
      compute: ({ studentFeatures, teacherFeatures }) => {
        const student = params.pairs.map((pair) => featuresOf(studentFeatures, pair.studentLayer, 'student'));
        const teacher = params.pairs.map((pair) => featuresOf(teacherFeatures, pair.teacherLayer, 'teacher'));
        return attentionTransferLoss(student as tf.Tensor4D[], teacher as tf.Tensor4D[], { betas, p: params.p, distance: params.distance });
      },
    };
  },
  check: async (params, context) => {
    const tapped = params.pairs.flatMap((pair, i) => [
      { role: 'teacher' as const, name: pair.teacherLayer, pointer: `/pairs/${i}/teacherLayer` },
      { role: 'student' as const, name: pair.studentLayer, pointer: `/pairs/${i}/studentLayer` },
    ]);
    const { issues, found } = await findLayers(context, tapped);
    if (issues.length) return issues;
    return params.pairs.flatMap((pair, i): SemanticIssue[] => {
      const [teacher, student] = [found[2 * i], found[2 * i + 1]];
      const shapes = `student layer "${student.name}" ${shapeText(student.shape)} and teacher layer "${teacher.name}" ${shapeText(teacher.shape)}`;
      if (teacher.shape.length !== 3 || student.shape.length !== 3) {
        return [{ pointer: `/pairs/${i}`, message: `attention transfer compares conv maps (height, width, channels), but ${shapes} are not both conv maps`, hint: 'tap conv layers on both sides; for dense layers use pkt, rkd or similarity-preserving' }];
      }
      if (teacher.shape[0] !== student.shape[0] || teacher.shape[1] !== student.shape[1]) {
        return [{ pointer: `/pairs/${i}`, message: `attention maps of ${shapes} differ in spatial size (${student.shape[0]}×${student.shape[1]} vs ${teacher.shape[0]}×${teacher.shape[1]})`, hint: 'pair layers of the same height and width, e.g. a student block after as many poolings as the teacher stage has strides' }];
      }
      return [];
    });
  },
});

