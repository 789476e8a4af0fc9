// The `random-shift` augmentation: each image moved by a few whole pixels (zeros fill what is uncovered) and, with
// maxRotation, turned by a small angle about its centre.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';
import { asImages, imageIssues, imageShapeParam } from './image-batch.js';

const paramsSchema = {
  type: 'object',
  properties: {
    maxShift: { type: 'integer', minimum: 0, maximum: 64, default: 2, description: 'The largest move, in pixels, along each axis (drawn uniformly per image).' },
    maxRotation: { type: 'number', minimum: 0, maximum: 180, default: 0, description: 'The largest rotation in degrees either way (drawn uniformly per image); 0: none.' },
    imageShape: imageShapeParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'random-shift',
  description: 'Moves each image by up to maxShift pixels along each axis (zero fill) and optionally rotates it by up to maxRotation degrees.',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => {
      const { images, back } = asImages(batch.inputs, params.imageShape);
      const [n, height, width] = images.shape;
      const s = params.maxShift;
      const padded: tf.Tensor4D = s > 0 ? images.pad([[0, 0], [s, s], [s, s], [0, 0]]) : images;
      const moved = Array.from({ length: n }, (_, i) => {
        let image: tf.Tensor4D = padded.slice([i, random.int(2 * s + 1), random.int(2 * s + 1), 0], [1, height, width, -1]);
        if (params.maxRotation > 0) {
          const radians = ((2 * random.next() - 1) * params.maxRotation * Math.PI) / 180;
          image = tf.image.rotateWithOffset(image, radians, 0) as tf.Tensor4D;
        }
        return image;
      });
      return { ...batch, inputs: back(tf.concat(moved, 0)) };
    },
  }),
  check: (params, context) => imageIssues(params.imageShape, context),
});
