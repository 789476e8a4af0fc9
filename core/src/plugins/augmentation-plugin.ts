// Augmentation plugin point (kind `augmentation`): a seeded change to a training batch — a crop, a flip, noise, or a
// mix of samples (mixup, cutmix) with their targets mixed alike. A manifest lists them in `training.augment`; they run
// in order on every batch of the student's stages and the baseline, and every frozen teacher is then run on exactly
// the augmented inputs at that step (its cached outputs hold only un-augmented data).
import type * as tf from '@tensorflow/tfjs';

/** What an augmentation changes: the inputs and, when it mixes samples, the targets. */
export interface AugmentationBatch {
  /** `[batch, ...inputShape]` float32. */
  readonly inputs: tf.Tensor;
  /**
   * `[batch, classes]` float32: each sample's class distribution (one-hot for an unmixed multi-class sample, the
   * 0/1 targets of a multi-label sample). A mixing augmentation mixes these with the same weights as the inputs.
   */
  readonly targets: tf.Tensor2D;
  /** `[batch]` float32: 1 where the sample is labelled. A sample mixed with an unlabelled one is unlabelled. */
  readonly labelMask: tf.Tensor1D;
}

/** The randomness of one step: a seeded generator, and a seed for tfjs' own random ops. */
export interface AugmentationRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** A seed for `tf.randomNormal`/`tf.randomUniform` at this step. */
  tensorSeed(): number;
}

export interface Augmentation {
  /**
   * The batch after the augmentation, computed inside `tf.tidy` (tensors it does not return are freed). Draw every
   * random number from `random`: the same run seed gives the same augmented batches.
   */
  apply(batch: AugmentationBatch, random: AugmentationRandom): AugmentationBatch;
}
