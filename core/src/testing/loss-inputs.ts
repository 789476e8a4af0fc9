// Complete LossInputs for a loss's unit test from just the tensors it cares about (the rest zeros, every label known,
// sample ids 0…batch−1, and the given teacher logits and features also as the one teacher named "teacher").
import * as tf from '@tensorflow/tfjs';
import type { LossInputs } from '../plugins/loss-plugin.js';

/**
 * ```ts
 * const inputs = lossInputs(2, { studentLogits: tf.tensor2d([[1, 2], [3, 4]]), teacherLogits: tf.tensor2d([[0, 1], [1, 0]]) });
 * ```
 */
export function lossInputs(batch: number, inputs: Partial<LossInputs>): LossInputs {
  const teacherFeatures = inputs.teacherFeatures ?? {};
  const teacher = {
    ...(inputs.teacherLogits ? { logits: inputs.teacherLogits } : {}),
    ...(inputs.teacherProbabilities ? { probabilities: inputs.teacherProbabilities } : {}),
    features: teacherFeatures,
  };
  return {
    studentLogits: tf.zeros([batch, 2]),
    studentFeatures: {},
    teacherFeatures,
    teachers: inputs.teacherLogits || inputs.teacherProbabilities || inputs.teacherFeatures ? { teacher } : {},
    labels: tf.zeros([batch], 'int32'),
    labelMask: tf.ones([batch]),
    sampleIds: tf.range(0, batch, 1, 'int32') as tf.Tensor1D,
    epoch: 0,
    step: 0,
    epochs: 1,
    ...inputs,
  };
}
