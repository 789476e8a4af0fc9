// The `horizontal-flip` augmentation: each image mirrored left to right with a probability.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';
import { asImages, imageIssues, imageShapeParam } from './image-batch.js';

const paramsSchema = {
  type: 'object',
  properties: {
    probability: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'The chance that an image is flipped.' },
    imageShape: imageShapeParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'horizontal-flip',
  description: 'Mirrors each image left to right with the given probability (not for digits or text, whose meaning flipping changes).',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => {
      const { images, back } = asImages(batch.inputs, params.imageShape);
      const n = images.shape[0];
      const flip = tf.tensor4d(Array.from({ length: n }, () => (random.next() < params.probability ? 1 : 0)), [n, 1, 1, 1]);
      const mixed = images.mul(tf.scalar(1).sub(flip)).add(images.reverse(2).mul(flip));
      return { ...batch, inputs: back(mixed) };
    },
  }),
  check: (params, context) => imageIssues(params.imageShape, context),
});
