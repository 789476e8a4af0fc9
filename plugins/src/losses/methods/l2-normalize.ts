// Division of vectors by their L2 norm along one axis, shared by the methods that compare directions rather than
// magnitudes (attention maps, similarity matrices, embeddings).
import * as tf from '@tensorflow/tfjs';

/**
 * x / max(‖x‖₂, ε) along `axis`. The floor keeps a zero vector at zero instead of dividing by zero, and its gradient
 * finite; it changes nothing for any vector longer than ε.
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, epsilon = 1e-12): T {
  return tf.tidy(() => {
    const squaredNorm = tf.sum(tf.square(x), axis, true);
    return x.div(tf.sqrt(tf.maximum(squaredNorm, epsilon * epsilon))) as T;
  });
}
