// Features reach losses shaped as their layer outputs them; losses that compare vectors flatten them first.
import * as tf from '@tensorflow/tfjs';

/**
 * `[batch, …]` → `[batch, width]` (row-major, as tfjs lays the values out); a 2-D tensor is returned as it is.
 * ```ts
 * const student = flattenFeatures(inputs.studentFeatures.conv2);   // [batch, 7·7·32]
 * ```
 */
export function flattenFeatures(features: tf.Tensor): tf.Tensor2D {
  if (features.rank === 2) return features as tf.Tensor2D;
  if (features.rank < 2) throw new Error(`flattenFeatures needs a tensor with a batch axis and at least one more; got shape [${features.shape.join(', ')}]`);
  return features.reshape([features.shape[0], -1]) as tf.Tensor2D;
}
