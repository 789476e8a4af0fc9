// Contrastive representation distillation (Tian, Krishnan & Isola, "Contrastive Representation Distillation",
// ICLR 2020, §3.1): embedding heads map the student's and the teacher's representations to one space, where each
// sample's pair is told apart from N negatives drawn from momentum memory banks indexed by sample id (NCE).
// Conventions: docs/loss-conventions.md#crd-contrastive-representation-distillation; reference: test/reference/crd.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, deriveSeed, flattenFeatures, requireLayer, seededRandom, type DatasetInfo, type DistillLoss, type SeededRandom } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { uniqueVariableName } from '../connectors.js';
import { checkLayerPair, featuresOf, studentLayerSchema, teacherLayerSchema } from './tapped-layers.js';
import { l2Normalize } from './l2-normalize.js';

/** A linear embedding head, x·kernel + bias followed by L2 normalisation; trained with the loss on both sides. */
export interface EmbeddingHead {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

export interface CrdInputs {
  /** [batch, student width] */
  studentFeatures: tf.Tensor2D;
  /** [batch, teacher width]; receives no gradient (the teacher is frozen, its head is not). */
  teacherFeatures: tf.Tensor2D;
  studentHead: EmbeddingHead;
  teacherHead: EmbeddingHead;
  /** [samples in the data set, embedding size]: one unit row per sample id, the student's embeddings. */
  studentMemory: tf.Tensor2D;
  /** Likewise, the teacher's embeddings. */
  teacherMemory: tf.Tensor2D;
  /** [batch] int32: each sample's id, the row of its positive in the banks. Distinct within a batch. */
  sampleIds: tf.Tensor1D;
  /** [batch, N] int32: bank rows of each sample's N negatives (ids of other samples, drawn by the caller). */
  negativeIndices: tf.Tensor2D;
}

export interface CrdParams {
  /** τ (0.07, the authors' release). */
  temperature?: number;
  /**
   * Z per direction: the scores are exp(·/τ)/Z. 1 is the paper's critic; the authors' release sets each once, on the
   * first batch, to crdNormalizers(…) of that batch.
   */
  normalizers?: { student: number; teacher: number };
}

export const CRD_DEFAULTS = { temperature: 0.07, momentum: 0.5, negatives: 16384, embeddingSize: 128 } as const;

/** g(x) = normalise(x·kernel + bias). */
export function crdEmbed(features: tf.Tensor2D, head: EmbeddingHead): tf.Tensor2D {
  return tf.tidy(() => l2Normalize(tf.matMul(features, head.kernel).add(head.bias) as tf.Tensor2D));
}

/**
 * The symmetric NCE loss of a batch: the student's embeddings against the teacher's bank plus the teacher's against
 * the student's; per anchor −log h(positive) − Σ_k log(1 − h(negative k)), h = P/(P + N/M), averaged over the batch.
 * The banks are read, not trained: pass them as plain tensors (or non-trainable variables).
 */
export function crdLoss(inputs: CrdInputs, params: CrdParams = {}): tf.Scalar {
  checkInputs(inputs);
  const { temperature = CRD_DEFAULTS.temperature, normalizers = { student: 1, teacher: 1 } } = params;
  return tf.tidy(() => {
    const rows = candidateRows(inputs);
    const noise = inputs.negativeIndices.shape[1] / inputs.studentMemory.shape[0];
    const student = crdEmbed(inputs.studentFeatures, inputs.studentHead);
    const teacher = crdEmbed(stopGradient(inputs.teacherFeatures), inputs.teacherHead);
    const studentAnchored = logScores(student, inputs.teacherMemory, rows, temperature, normalizers.student);
    const teacherAnchored = logScores(teacher, inputs.studentMemory, rows, temperature, normalizers.teacher);
    return nceLoss(studentAnchored, noise).add(nceLoss(teacherAnchored, noise)) as tf.Scalar;
  });
}

/**
 * Z for each direction as the authors' release estimates it on the first batch: the mean of exp(bank rowᵀ v / τ) over
 * the batch's candidates, times the number of bank rows. Scalars, to read once and pass as `normalizers` from then on.
 */
export function crdNormalizers(inputs: CrdInputs, temperature: number = CRD_DEFAULTS.temperature): { student: tf.Scalar; teacher: tf.Scalar } {
  checkInputs(inputs);
  return tf.tidy(() => {
    const rows = candidateRows(inputs);
    const size = inputs.studentMemory.shape[0];
    const estimate = (anchors: tf.Tensor2D, bank: tf.Tensor2D) => tf.exp(logScores(anchors, bank, rows, temperature, 1)).mean().mul(size) as tf.Scalar;
    return {
      student: estimate(crdEmbed(inputs.studentFeatures, inputs.studentHead), inputs.teacherMemory),
      teacher: estimate(crdEmbed(inputs.teacherFeatures, inputs.teacherHead), inputs.studentMemory),
    };
  });
}

/**
 * The banks after a step: each batch sample's row becomes normalise(m · row + (1 − m) · its embedding), the student's
 * embeddings into the student's bank and the teacher's into the teacher's. New tensors; the inputs are unchanged.
 */
export function crdUpdatedMemory(inputs: CrdInputs, momentum: number = CRD_DEFAULTS.momentum): { studentMemory: tf.Tensor2D; teacherMemory: tf.Tensor2D } {
  checkInputs(inputs);
  return tf.tidy(() => {
    const ids = inputs.sampleIds;
    const moved = (bank: tf.Tensor2D, embeddings: tf.Tensor2D) => {
      const rows = l2Normalize(tf.gather(bank, ids).mul(momentum).add(embeddings.mul(1 - momentum)));
      return tf.tensorScatterUpdate(bank, ids.expandDims(1), rows) as tf.Tensor2D;
    };
    return {
      studentMemory: moved(inputs.studentMemory, crdEmbed(inputs.studentFeatures, inputs.studentHead)),
      teacherMemory: moved(inputs.teacherMemory, crdEmbed(inputs.teacherFeatures, inputs.teacherHead)),
    };
  });
}

/** [batch, N + 1] bank rows per anchor: the sample's own id (the positive) first, then its negatives. */
function candidateRows(inputs: CrdInputs): tf.Tensor2D {
  return tf.concat([inputs.sampleIds.expandDims(1), inputs.negativeIndices], 1);
}

/** log P = bank[row]ᵀ v / τ − log Z for each anchor v and each of its candidate rows: [batch, N + 1]. */
function logScores(anchors: tf.Tensor2D, bank: tf.Tensor2D, rows: tf.Tensor2D, temperature: number, normalizer: number): tf.Tensor2D {
  const candidates = tf.gather(bank, rows) as tf.Tensor as tf.Tensor3D;
  return candidates.mul(anchors.expandDims(1)).sum(2).div(temperature).sub(Math.log(normalizer)) as tf.Tensor2D;
}

/**
 * Mean over anchors of −log(P₀/(P₀ + c)) − Σ_k log(c/(P_k + c)), c = N/M: softplus(log c − log P₀) +
 * Σ_k softplus(log P_k − log c), which stays finite for any score.
 */
function nceLoss(logP: tf.Tensor2D, noise: number): tf.Scalar {
  const [batch, candidates] = logP.shape;
  const logNoise = Math.log(noise);
  const positive = tf.softplus(tf.sub(logNoise, logP.slice([0, 0], [batch, 1])));
  const negatives = tf.softplus(logP.slice([0, 1], [batch, candidates - 1]).sub(logNoise));
  return positive.sum().add(negatives.sum()).div(batch) as tf.Scalar;
}

function checkInputs(inputs: CrdInputs): void {
  const { studentFeatures, teacherFeatures, studentMemory, teacherMemory, sampleIds, negativeIndices } = inputs;
  const batch = studentFeatures.shape[0];
  const problems = [
    teacherFeatures.shape[0] !== batch && `teacher features [${teacherFeatures.shape}] have another batch than the student's [${studentFeatures.shape}]`,
    studentMemory.shape.join() !== teacherMemory.shape.join() && `the banks differ in shape: student [${studentMemory.shape}], teacher [${teacherMemory.shape}]`,
    (sampleIds.rank !== 1 || sampleIds.shape[0] !== batch || sampleIds.dtype !== 'int32') && `sample ids must be int32 [${batch}], got ${sampleIds.dtype} [${sampleIds.shape}]`,
    (negativeIndices.rank !== 2 || negativeIndices.shape[0] !== batch || negativeIndices.shape[1] < 1 || negativeIndices.dtype !== 'int32') &&
      `negative indices must be int32 [${batch}, N ≥ 1], got ${negativeIndices.dtype} [${negativeIndices.shape}]`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length) throw new Error(`crd: ${problems.join('; ')}`);
}

// ——— The `crd` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { ...teacherLayerSchema, description: "The teacher's representation (the paper uses the penultimate layer); flattened per sample." },
    studentLayer: { ...studentLayerSchema, description: "The student's representation; flattened per sample, its width may differ from the teacher's." },
    embeddingSize: { type: 'integer', minimum: 1, default: CRD_DEFAULTS.embeddingSize, description: 'd, the width of the shared embedding space of the two linear heads (128).' },
    negatives: {
      type: 'integer',
      minimum: 1,
      default: CRD_DEFAULTS.negatives,
      description: 'N, negatives drawn from the memory banks for each sample (16384 in the paper). Each step gathers batch × (N + 1) × d values per side: lower it on a small machine.',
    },
    temperature: { type: 'number', exclusiveMinimum: 0, default: CRD_DEFAULTS.temperature, description: 'τ of the critic exp(vᵀm/τ) (0.07).' },
    momentum: { type: 'number', minimum: 0, maximum: 1, default: CRD_DEFAULTS.momentum, description: "Memory-bank momentum: a sample's row becomes normalise(m·row + (1 − m)·embedding) after each step (0.5)." },
    normalizer: {
      enum: ['first-batch', 'none'],
      default: 'first-batch',
      description: "Z of the critic: 'first-batch' estimates it once, on the first batch, as the authors' release does (saved with the loss); 'none' is Z = 1, the paper's formula.",
    },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'crd',
  description:
    'Contrastive representation distillation (Tian et al., ICLR 2020): linear embedding heads on both sides, momentum memory banks indexed by sample id, NCE against N negatives (d = 128, N = 16384, τ = 0.07, m = 0.5).',
  paramsSchema,
  create: (params, context): DistillLoss => {
    if (!context.models) throw new Error('crd sizes its embedding heads from the models; build it with context.models');
    const rows = bankRows(context.dataset);
    const studentWidth = requireLayer(context.models.student, 'student', params.studentLayer).width;
    const teacherWidth = requireLayer(context.models.teacher, 'teacher', params.teacherLayer).width;
    const purpose = `crd${context.pointer}`;
    const d = params.embeddingSize;
    const head = (from: number, side: string) => {
      const init = tf.initializers.glorotUniform({ seed: deriveSeed(context.seed, `${purpose}/${side}-head`) });
      return {
        kernel: tf.tidy(() => tf.variable(init.apply([from, d]) as tf.Tensor2D, true, uniqueVariableName(`crd/${side}-head/kernel`))),
        bias: tf.tidy(() => tf.variable(tf.zeros([d]) as tf.Tensor1D, true, uniqueVariableName(`crd/${side}-head/bias`))),
      };
    };
    // The authors' banks start uniform in ±1/√(d/3); rows are normalised as they are updated.
    const bank = (side: string) => {
      const bound = 1 / Math.sqrt(d / 3);
      const seed = deriveSeed(context.seed, `${purpose}/${side}-bank`);
      return tf.tidy(() => tf.variable(tf.randomUniform([rows, d], -bound, bound, 'float32', seed) as tf.Tensor2D, false, uniqueVariableName(`crd/${side}-bank`)));
    };
    const studentHead = head(studentWidth, 'student');
    const teacherHead = head(teacherWidth, 'teacher');
    const studentMemory = bank('student');
    const teacherMemory = bank('teacher');
    // Z per direction, 0 until estimated; saved with the loss so that a resumed run keeps it.
    const normalizers = tf.tidy(() => tf.variable(tf.zeros([2]), false, uniqueVariableName('crd/normalizers')));
    const random = seededRandom(deriveSeed(context.seed, `${purpose}/negatives`));
    const variables = [studentHead.kernel, studentHead.bias, teacherHead.kernel, teacherHead.bias, studentMemory, teacherMemory, normalizers];
    return {
      requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer], sampleIds: true },
      variables,
      compute: ({ studentFeatures, teacherFeatures, sampleIds }) =>
        tf.tidy(() => {
          const ids = sampleIds.dataSync() as Int32Array;
          const outside = ids.find((id) => id < 0 || id >= rows);
          if (outside !== undefined) throw new Error(`crd: sample id ${outside} is outside the memory banks' ${rows} rows (one per training sample, ids 0…${rows - 1})`);
          const inputs: CrdInputs = {
            studentFeatures: flattenFeatures(featuresOf(studentFeatures, params.studentLayer, 'student')),
            teacherFeatures: flattenFeatures(featuresOf(teacherFeatures, params.teacherLayer, 'teacher')),
            studentHead,
            teacherHead,
            studentMemory,
            teacherMemory,
            sampleIds,
            negativeIndices: tf.tensor2d(drawNegatives(ids, params.negatives, rows, random), [ids.length, params.negatives], 'int32'),
          };
          let z = { student: 1, teacher: 1 };
          if (params.normalizer === 'first-batch') {
            if (normalizers.dataSync()[0] === 0) {
              const estimated = crdNormalizers(inputs, params.temperature);
              normalizers.assign(tf.stack([estimated.student, estimated.teacher]));
            }
            const [student, teacher] = normalizers.dataSync();
            z = { student, teacher };
          }
          const loss = crdLoss(inputs, { temperature: params.temperature, normalizers: z });
          // The banks move after the loss has read them; the embeddings written into them carry no gradient.
          const moved = crdUpdatedMemory({ ...inputs, studentFeatures: stopGradient(inputs.studentFeatures), teacherFeatures: stopGradient(inputs.teacherFeatures) }, params.momentum);
          studentMemory.assign(moved.studentMemory);
          teacherMemory.assign(moved.teacherMemory);
          return loss;
        }),
      dispose: () => tf.dispose(variables),
    };
  },
  check: async (params, context) => {
    const issues = await checkLayerPair(params, context);
    const dataset = await context.dataset();
    if (dataset.stableIds === false) {
      issues.push({
        pointer: '',
        message: 'crd keeps a memory bank row per sample id, but the dataset says its sample ids are not stable from run to run',
        hint: 'give the dataset stable ids (the same sample keeps its id in every epoch and cache), or use a method without a memory bank (pkt, rkd, similarity-preserving)',
      });
    }
    return issues;
  },
});

/** Rows of the banks: one per sample id of the training split. */
function bankRows(dataset: DatasetInfo | undefined): number {
  if (!dataset?.sampleIdRange) throw new Error('crd sizes its memory banks from the training split\'s sample ids; build it with context.dataset.sampleIdRange');
  return dataset.sampleIdRange;
}

/** N bank rows per sample, uniformly among the other samples' rows. */
function drawNegatives(ids: Int32Array, negatives: number, rows: number, random: SeededRandom): Int32Array {
  const out = new Int32Array(ids.length * negatives);
  for (let i = 0; i < ids.length; i++) {
    for (let k = 0; k < negatives; k++) out[i * negatives + k] = (ids[i] + 1 + random.int(rows - 1)) % rows;
  }
  return out;
}
