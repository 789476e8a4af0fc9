// The `random-crop` augmentation: each image padded with zeros on every side, then cropped back to its size at a
// random offset (the CIFAR recipe: padding 4 on 32×32).
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';
import { asImages, imageIssues, imageShapeParam } from './image-batch.js';

const paramsSchema = {
  type: 'object',
  properties: {
    padding: { type: 'integer', minimum: 1, maximum: 64, default: 4, description: 'Zeros added on each side before cropping: the offset is at most this many pixels either way.' },
    imageShape: imageShapeParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'random-crop',
  description: 'Pads each image with zeros (padding on every side) and crops it back to its size at a random offset.',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => {
      const { images, back } = asImages(batch.inputs, params.imageShape);
      const [n, height, width] = images.shape;
      const p = params.padding;
      const padded = images.pad([[0, 0], [p, p], [p, p], [0, 0]]);
      const crops = Array.from({ length: n }, (_, i) => padded.slice([i, random.int(2 * p + 1), random.int(2 * p + 1), 0], [1, height, width, -1]));
      return { ...batch, inputs: back(tf.concat(crops, 0)) };
    },
  }),
  check: (params, context) => imageIssues(params.imageShape, context),
});
