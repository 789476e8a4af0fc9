// The image view the spatial augmentations work on: a batch of samples as [batch, height, width, channels], read as
// the convolutional models read them (the input shape when it is 3-D, 28×28×1 for 784 floats, or `imageShape`).
import * as tf from '@tensorflow/tfjs';
import type { SemanticCheckContext, SemanticIssue } from '@distill/core';
import { imageShapeIssues, imageShapeParam, resolveImageShape } from '../models/image-shape.js';

export { imageShapeParam };

/** `inputs` as `[batch, height, width, channels]`, and the way back to the batch's own shape. */
export function asImages(inputs: tf.Tensor, imageShape?: readonly number[]): { images: tf.Tensor4D; back: (images: tf.Tensor) => tf.Tensor } {
  const resolved = resolveImageShape(inputs.shape.slice(1), imageShape);
  // The semantic check refuses this before training; here it would be a bug.
  if (typeof resolved === 'string') throw new Error(resolved);
  const shape = inputs.shape;
  return { images: inputs.reshape([shape[0], ...resolved]) as tf.Tensor4D, back: (images) => images.reshape(shape) };
}

/** A spatial augmentation's semantic check: the dataset's samples must read as images. */
export function imageIssues(imageShape: readonly number[] | undefined, context: SemanticCheckContext): Promise<SemanticIssue[]> {
  return imageShapeIssues(imageShape, context);
}

/** A random permutation of `0..n-1` from the step's generator (the partner of each sample in mixup and cutmix). */
export function partners(n: number, random: { int(n: number): number }): tf.Tensor1D {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return tf.tensor1d(order, 'int32');
}

/** A draw from Beta(α, α) (Marsaglia–Tsang gammas), the mixing weight of mixup and cutmix. */
export function betaSample(alpha: number, random: { next(): number; normal(): number }): number {
  const x = gammaSample(alpha, random);
  const y = gammaSample(alpha, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}

function gammaSample(shape: number, random: { next(): number; normal(): number }): number {
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(1 - random.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = random.normal();
    const v = Math.pow(1 + c * z, 3);
    if (v <= 0) continue;
    const u = 1 - random.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}
