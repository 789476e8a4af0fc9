// The `cnn` model: a small convolutional net (conv + 2×2 max-pool blocks, a dense layer, logits) for image-shaped inputs.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, UserError, type DistillModel } from '@distill/core';
import { datasetOf, featureLayers, seededKernel } from './model-building.js';
import { resolveImageShape } from './image-shape.js';

const paramsSchema = {
  type: 'object',
  properties: {
    imageShape: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      minItems: 3,
      maxItems: 3,
      description: 'How to read a sample as an image, [height, width, channels]. Default: [28, 28, 1] for 784 inputs; the input shape when it is 3-D.',
    },
    filters: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      minItems: 1,
      default: [16, 32],
      description: 'Filters of each convolution, in order; the layers are named conv1, conv2, … and each is followed by 2×2 max pooling.',
    },
    kernelSize: { type: 'integer', minimum: 1, default: 3, description: 'Side of the square convolution kernels.' },
    dense: { type: 'integer', minimum: 1, default: 64, description: 'Units of the dense layer (dense1) before the logits.' },
    dropout: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Dropout rate after the dense layer while training (0: none).',
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'cnn',
  description: 'A small convolutional net for image-shaped inputs: conv1, conv2, … (ReLU, same padding, 2×2 max pooling), dense1, logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { inputShape, numClasses } = datasetOf(context, 'cnn');
    const imageShape = resolveImageShape(inputShape, params.imageShape);
    if (typeof imageShape === 'string') throw new UserError(`cnn: ${imageShape}`);
    const input = tf.input({ shape: [...inputShape] });
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
    let x = inputShape.length === 3 ? input : apply(tf.layers.reshape({ targetShape: imageShape, name: 'image' }), input);
    const names: string[] = [];
    params.filters.forEach((filters, i) => {
      const name = `conv${i + 1}`;
      names.push(name);
      const conv = tf.layers.conv2d({ filters, kernelSize: params.kernelSize, padding: 'same', activation: 'relu', kernelInitializer: seededKernel(context, name), name });
      x = apply(conv, x);
      const [height, width] = x.shape.slice(1, 3) as number[];
      if (height >= 2 && width >= 2) x = apply(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }), x);
    });
    x = apply(tf.layers.flatten({ name: 'flatten' }), x);
    x = apply(tf.layers.dense({ units: params.dense, activation: 'relu', kernelInitializer: seededKernel(context, 'dense1'), name: 'dense1' }), x);
    if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: 'dropout1' }), x);
    const logits = apply(tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }), x);
    const model = tf.model({ inputs: input, outputs: logits });
    return { model, layers: featureLayers(model, [...names, 'dense1', 'logits']), pretrained: false };
  },
  check: async (params, context) => {
    const imageShape = resolveImageShape((await context.dataset()).inputShape, params.imageShape);
    return typeof imageShape === 'string' ? [{ pointer: params.imageShape ? '/imageShape' : '', message: imageShape }] : [];
  },
});
