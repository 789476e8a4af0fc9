// Loss plugin point: one term of the distillation objective, computed inside the trainer's tf.tidy.
import type * as tf from '@tensorflow/tfjs';

export interface LossInputs {
  /** `[batch, classes]` student logits. */
  readonly studentLogits: tf.Tensor2D;
  /** `[batch, classes]` teacher logits (frozen: no gradient flows into them). Absent when no loss needs them. */
  readonly teacherLogits?: tf.Tensor2D;
  /** Outputs of the layers named in `requires`, flattened to `[batch, width]`. */
  readonly studentFeatures: Readonly<Record<string, tf.Tensor2D>>;
  readonly teacherFeatures: Readonly<Record<string, tf.Tensor2D>>;
  /** `[batch]` int32 class indices; meaningless where `labelMask` is 0. */
  readonly labels: tf.Tensor1D;
  /** `[batch]` float32: 1 where the sample has a label, 0 for transfer-set samples. */
  readonly labelMask: tf.Tensor1D;
  /** 0-based epoch and global step, and the epoch count of the stage. */
  readonly epoch: number;
  readonly step: number;
  readonly epochs: number;
}

export interface LossRequirements {
  readonly teacherLogits?: boolean;
  readonly labels?: boolean;
  readonly teacherLayers?: readonly string[];
  readonly studentLayers?: readonly string[];
}

export interface DistillLoss {
  readonly requires: LossRequirements;
  /** Trainable variables the loss owns (a feature projection); trained with the student and saved with it. */
  readonly variables?: readonly tf.Variable[];
  /** Values in force at an epoch (a scheduled temperature), logged as `<loss>/<key>`. */
  scheduledValues?(epoch: number, epochs: number): Record<string, number>;
  /** A scalar; the trainer weights it and sums the terms. */
  compute(inputs: LossInputs): tf.Scalar;
  /** Releases variables. */
  dispose?(): void;
}
