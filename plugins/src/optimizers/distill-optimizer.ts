// Wraps a tfjs optimizer so schedulers can change its learning rate between steps.
import * as tf from '@tensorflow/tfjs';
import type { DistillOptimizer } from '@distill/core';

/**
 * SGD and momentum keep the rate as a scalar tensor that only `setLearningRate` refreshes; Adam and RMSProp read the
 * (protected) `learningRate` field at every step, so for them the field is set.
 */
export function distillOptimizer(optimizer: tf.Optimizer, baseLearningRate: number): DistillOptimizer {
  return {
    optimizer,
    baseLearningRate,
    setLearningRate: (learningRate) => {
      // Not `instanceof tf.SGDOptimizer`: tfjs's Optimizer.[Symbol.hasInstance] makes every optimizer pass that test.
      const sgdLike = optimizer as unknown as { setLearningRate?: (rate: number) => void; learningRate: number };
      if (typeof sgdLike.setLearningRate === 'function') sgdLike.setLearningRate(learningRate);
      else sgdLike.learningRate = learningRate;
    },
    dispose: () => optimizer.dispose(),
  };
}
