// Complete LossInputs for a unit test from just the tensors it cares about.
import * as tf from '@tensorflow/tfjs';
import type { LossInputs } from '@distill/core';

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
