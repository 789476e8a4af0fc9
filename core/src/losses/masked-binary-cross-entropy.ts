// Binary cross-entropy of a sigmoid head against multi-label targets, over the labelled samples of a batch: the
// hard-label term of multi-label datasets (the `binary-cross-entropy` plugin, the teacher stage, the baseline).
// Computed from the logits in the stable form max(x, 0) − x·t + log(1 + e^−|x|); mean over classes, then over the
// labelled samples (mask 0 is not counted; a batch without a labelled sample gives 0 and no gradient).
import * as tf from '@tensorflow/tfjs';

export function maskedBinaryCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, labelMask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const perElement = tf.relu(logits).sub(logits.mul(targets)).add(tf.log1p(tf.exp(tf.abs(logits).neg())));
    const perSample = perElement.mean(1);
    return perSample.mul(labelMask).sum().div(tf.maximum(labelMask.sum(), 1)) as tf.Scalar;
  });
}
