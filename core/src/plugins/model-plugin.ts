// Model plugin point: a tfjs LayersModel mapping inputs to logits, with named layers that feature losses can tap.
import type * as tf from '@tensorflow/tfjs';

export interface FeatureLayer {
  readonly name: string;
  /** Per-sample width once flattened: the product of `shape`. */
  readonly width: number;
  /**
   * Per-sample output shape, without the batch axis (`[128]`, `[14, 14, 16]`): what a loss tapping the layer receives
   * after the batch axis. Filled in by distill from the tf model when a model plugin leaves it out.
   */
  readonly shape?: readonly number[];
}

export interface DistillModel {
  /** Outputs logits (no softmax) of shape `[batch, numClasses]`. */
  readonly model: tf.LayersModel;
  /**
   * The layers a model offers feature losses, in order (listed in messages and by `distill validate`). Losses may tap
   * any layer of `model` by name; these are the ones the model recommends.
   */
  readonly layers: readonly FeatureLayer[];
  /** True when the weights are trained already (a saved model); a teacher that is not gets a teacher stage. */
  readonly pretrained: boolean;
}
