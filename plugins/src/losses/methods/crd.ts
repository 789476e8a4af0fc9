// Contrastive representation distillation (Tian, Krishnan & Isola, "Contrastive Representation Distillation",
// ICLR 2020, §3.1): embedding heads map the student's and the teacher's representations to one space, where each
// sample's pair is told apart from N negatives drawn from momentum memory banks indexed by sample id (NCE).
// Conventions: docs/loss-conventions.md#crd-contrastive-representation-distillation; reference: test/reference/crd.py.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../stop-gradient.js';
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
