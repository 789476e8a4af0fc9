// The `cutmix` augmentation (Yun et al., 2019): a random box of each image replaced by the same box of another image
// of the batch, and the class distributions mixed by the share of pixels each image keeps. The box's area is drawn
// from Beta(α, α), one box per batch; the weight is recomputed from the box once it is clipped to the image.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';
import { asImages, betaSample, imageIssues, imageShapeParam, partners } from './image-batch.js';

const paramsSchema = {
  type: 'object',
  properties: {
    alpha: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'α of the Beta(α, α) the kept share λ is drawn from (the box covers about 1 − λ of the image).' },
    imageShape: imageShapeParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'cutmix',
  description: 'Pastes a random box from a partner image of the batch into each image; class distributions are mixed by the share of pixels each keeps.',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => {
      const { images, back } = asImages(batch.inputs, params.imageShape);
      const [n, height, width] = images.shape;
      const lambda = betaSample(params.alpha, random);
      const other = partners(n, random);
      const box = cutBox(height, width, lambda, random);
      const inside = tf.buffer([1, height, width, 1]);
      for (let y = box.top; y < box.bottom; y++) for (let x = box.left; x < box.right; x++) inside.set(1, 0, y, x, 0);
      const mask = inside.toTensor();
      const pasted = images.mul(tf.scalar(1).sub(mask)).add(images.gather(other).mul(mask));
      const kept = 1 - ((box.bottom - box.top) * (box.right - box.left)) / (height * width);
      const targets = batch.targets.mul(kept).add(batch.targets.gather(other).mul(1 - kept)) as tf.Tensor2D;
      return { inputs: back(pasted), targets, labelMask: batch.labelMask.mul(batch.labelMask.gather(other)) };
    },
  }),
  check: (params, context) => imageIssues(params.imageShape, context),
});

/** A box of about (1 − λ) of the image around a uniform centre, clipped to the image (as the paper's code does). */
export function cutBox(height: number, width: number, lambda: number, random: { int(n: number): number }): { top: number; bottom: number; left: number; right: number } {
  const ratio = Math.sqrt(1 - lambda);
  const boxHeight = Math.floor(height * ratio);
  const boxWidth = Math.floor(width * ratio);
  const cy = random.int(height);
  const cx = random.int(width);
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return {
    top: clip(cy - Math.floor(boxHeight / 2), height),
    bottom: clip(cy + Math.floor(boxHeight / 2), height),
    left: clip(cx - Math.floor(boxWidth / 2), width),
    right: clip(cx + Math.floor(boxWidth / 2), width),
  };
}
