// Softmax cross-entropy over the labelled samples of a batch (with the hard labels, or soft targets when augmentation
// mixed samples): the hard-label term used by the `cross-entropy` plugin,
// the teacher stage, the baseline and evaluation. Unlabelled samples (mask 0) are not counted; a batch without a
// labelled sample gives 0 and no gradient.
import * as tf from '@tensorflow/tfjs';

export function maskedCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  labelMask: tf.Tensor1D,
  labelSmoothing = 0,
  softTargets?: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    // An UNLABELED (-1) index is masked out below; clamping keeps oneHot's input valid on every backend. Soft targets
    // (a mixed sample's class distribution) replace the one-hot labels.
    let targets: tf.Tensor = softTargets ?? tf.oneHot(tf.maximum(labels.toInt(), tf.scalar(0, 'int32')) as tf.Tensor1D, classes).toFloat();
    if (labelSmoothing > 0) targets = targets.mul(1 - labelSmoothing).add(labelSmoothing / classes);
    const perSample = targets.mul(tf.logSoftmax(logits)).sum(1).neg();
    const labelled = labelMask.sum();
    // max(count, 1) keeps an all-unlabelled batch at 0 instead of 0/0.
    return perSample.mul(labelMask).sum().div(tf.maximum(labelled, 1)) as tf.Scalar;
  });
}
