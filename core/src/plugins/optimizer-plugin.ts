// Optimizer plugin point: a tfjs optimizer whose learning rate the scheduler can set at every step.
import type * as tf from '@tensorflow/tfjs';

export interface DistillOptimizer {
  readonly optimizer: tf.Optimizer;
  /** The learning rate given in params: schedulers scale it. */
  readonly baseLearningRate: number;
  setLearningRate(learningRate: number): void;
  dispose(): void;
}
