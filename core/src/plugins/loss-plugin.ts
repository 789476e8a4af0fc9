// Loss plugin point: one term of the distillation objective, computed inside the trainer's gradient tape.
import type * as tf from '@tensorflow/tfjs';

/** What one teacher gives a loss for the batch. */
export interface TeacherInputs {
  /** `[batch, classes]` logits; absent for a teacher that gives only probabilities. */
  readonly logits?: tf.Tensor2D;
  /** `[batch, classes]` probabilities, for a teacher that gives only those. */
  readonly probabilities?: tf.Tensor2D;
  /** The layers the loss asked for, shaped as the layer outputs them. */
  readonly features: Readonly<Record<string, tf.Tensor>>;
}

export interface LossInputs {
  /** `[batch, classes]` student logits. */
  readonly studentLogits: tf.Tensor2D;
  /** `[batch, classes]` logits of the loss's teacher (frozen: no gradient flows into them), when it gives logits. */
  readonly teacherLogits?: tf.Tensor2D;
  /** `[batch, classes]` probabilities of the loss's teacher, when it is a teacher source that gives only those. */
  readonly teacherProbabilities?: tf.Tensor2D;
  /**
   * Outputs of the layers named in `requires.studentLayers`, shaped as the layer outputs them: `[batch, width]` for a
   * dense layer, `[batch, height, width, channels]` for a conv map, `[batch, steps, width]` for a sequence.
   * `flattenFeatures(t)` makes any of them `[batch, width]`.
   */
  readonly studentFeatures: Readonly<Record<string, tf.Tensor>>;
  /** The loss's teacher's outputs of the layers named in `requires.teacherLayers`, shaped likewise. */
  readonly teacherFeatures: Readonly<Record<string, tf.Tensor>>;
  /** Every teacher the loss asked for, by name (multi-teacher losses); with one teacher, that one. */
  readonly teachers: Readonly<Record<string, TeacherInputs>>;
  /** `[batch]` int32 class indices; meaningless where `labelMask` is 0. */
  readonly labels: tf.Tensor1D;
  /** `[batch]` float32: 1 where the sample has a label, 0 for transfer-set samples. */
  readonly labelMask: tf.Tensor1D;
  /** Multi-label datasets: `[batch, classes]` float32 targets in {0, 1}. */
  readonly targets?: tf.Tensor2D;
  /**
   * With augmentation (`training.augment`), multi-class: `[batch, classes]` float32, each sample's class distribution —
   * one-hot, or mixed by mixup/cutmix with the weights its inputs were mixed with. A loss on hard labels should use it
   * instead of one-hot `labels` when present (`labels` then holds the class that weighs most).
   */
  readonly softTargets?: tf.Tensor2D;
  /** `[batch]` int32 stable sample ids: the same sample has the same id in every epoch and every cache. */
  readonly sampleIds: tf.Tensor1D;
  /** 0-based epoch and global step, and the epoch count of the stage. */
  readonly epoch: number;
  readonly step: number;
  readonly epochs: number;
}

export interface LossRequirements {
  /** The teacher's logits: a teacher source that gives only probabilities is refused before training. */
  readonly teacherLogits?: boolean;
  /** The teacher's logits, or its probabilities when it gives only those (`teacherProbabilities`): a loss that can use either. */
  readonly teacherOutputs?: boolean;
  readonly labels?: boolean;
  /** Multi-label targets (a sigmoid head's loss): refused before training on a dataset that has none. */
  readonly targets?: boolean;
  /** Any layer of the teacher's tf model by name, not only those the model plugin declares. */
  readonly teacherLayers?: readonly string[];
  readonly studentLayers?: readonly string[];
  /** Names in the manifest's `teachers`; default: the loss reference's `teacher`, else the only (or first) teacher. */
  readonly teachers?: readonly string[];
  /** Stable sample ids: refused before training when the dataset cannot promise them. */
  readonly sampleIds?: boolean;
}

export interface DistillLoss {
  readonly requires: LossRequirements;
  /**
   * Trainable variables the loss owns (a connector, an embedding head, a memory bank): trained with the student,
   * saved with it (`student/loss-variables.*`) and restored with `restoreLossVariables` where a run resumes.
   */
  readonly variables?: readonly tf.Variable[];
  /** Values in force at an epoch (a scheduled temperature), logged as `<loss>/<key>`. */
  scheduledValues?(epoch: number, epochs: number): Record<string, number>;
  /** A scalar; the trainer weights it and sums the terms. */
  compute(inputs: LossInputs): tf.Scalar;
  /** Releases variables. */
  dispose?(): void;
}
