// Model plugin point: a tfjs LayersModel mapping inputs to logits, with named layers that feature losses can tap.
import type * as tf from '@tensorflow/tfjs';

export interface FeatureLayer {
  readonly name: string;
  /** Per-sample width once flattened (what feature losses compare). */
  readonly width: number;
}

export interface DistillModel {
  /** Outputs logits (no softmax) of shape `[batch, numClasses]`. */
  readonly model: tf.LayersModel;
  /** The layers a feature loss may name, in order. */
  readonly layers: readonly FeatureLayer[];
  /** True when the weights are trained already (a saved model); a teacher that is not gets a teacher stage. */
  readonly pretrained: boolean;
}
