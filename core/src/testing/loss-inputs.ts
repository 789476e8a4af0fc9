// Complete LossInputs for a loss's unit test from just the tensors it cares about (the rest zeros, every label known).
import * as tf from '@tensorflow/tfjs';
import type { LossInputs } from '../plugins/loss-plugin.js';

/**
 * ```ts
 * const inputs = lossInputs(2, { studentLogits: tf.tensor2d([[1, 2], [3, 4]]), teacherLogits: tf.tensor2d([[0, 1], [1, 0]]) });
 * ```
 */
export function lossInputs(batch: number, inputs: Partial<LossInputs>): LossInputs {
  return {
    studentLogits: tf.zeros([batch, 2]),
    studentFeatures: {},
    teacherFeatures: {},
    labels: tf.zeros([batch], 'int32'),
    labelMask: tf.ones([batch]),
    epoch: 0,
    step: 0,
    epochs: 1,
    ...inputs,
  };
}
