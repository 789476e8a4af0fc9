// The `cnn` model: a small convolutional net for image-shaped inputs: conv blocks (convolution, optional batch
// normalization, ReLU, 2×2 max or average pooling), then flattening or global average pooling, an optional dense
// layer, and the logits. Each block's output (after the ReLU, before pooling) is a declared layer: conv1, conv2, …
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type BuildContext, type DistillModel } from '@distill/core';
import { batchNormalization, datasetOf, featureLayers, imageInput, seededKernel } from './model-building.js';
import { imageShapeIssues, imageShapeParam } from './image-shape.js';

const paramsSchema = {
  type: 'object',
  properties: {
    imageShape: imageShapeParam,
    filters: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      minItems: 1,
      default: [16, 32],
      description: 'Filters of each convolution, in order; the blocks are named conv1, conv2, … (their ReLU outputs) and each is followed by 2×2 pooling.',
    },
    batchNorm: {
      type: 'boolean',
      default: false,
      description: 'Batch normalization between each convolution and its ReLU (the convolution then has no bias).',
    },
    pooling: {
      enum: ['max', 'avg', 'none'],
      default: 'max',
      description: "Pooling after each block: 2×2 'max' or 'avg' (skipped once the feature map is smaller than 2×2), or 'none'.",
    },
    globalPooling: {
      type: 'boolean',
      default: false,
      description: 'Global average pooling of the last block (a layer named pool) instead of flattening it: one value per channel.',
    },
    kernelSize: { type: 'integer', minimum: 1, default: 3, description: 'Side of the square convolution kernels.' },
    dense: { type: 'integer', minimum: 0, default: 64, description: 'Units of the dense layer (dense1) before the logits; 0: none.' },
    dropout: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Dropout rate before the logits while training (0: none).',
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'cnn',
  description:
    'A small convolutional net for image-shaped inputs: conv1, conv2, … (same padding, optional batch normalization, ReLU, 2×2 max or average pooling), then flatten or global average pooling (pool), dense1, logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { numClasses } = datasetOf(context, 'cnn');
    const { input, image } = imageInput(context, 'cnn', params.imageShape);
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
    let x = image;
    const names: string[] = [];
    params.filters.forEach((filters, i) => {
      const name = `conv${i + 1}`;
      names.push(name);
      x = convBlock(x, name, filters, params, context);
      const [height, width] = x.shape.slice(1, 3) as number[];
      if (params.pooling !== 'none' && height >= 2 && width >= 2) {
        const pool = params.pooling === 'max' ? tf.layers.maxPooling2d : tf.layers.averagePooling2d;
        x = apply(pool({ poolSize: 2, name: `pool${i + 1}` }), x);
      }
    });
    x = params.globalPooling ? apply(tf.layers.globalAveragePooling2d({ name: 'pool' }), x) : apply(tf.layers.flatten({ name: 'flatten' }), x);
    if (params.globalPooling) names.push('pool');
    if (params.dense > 0) {
      x = apply(tf.layers.dense({ units: params.dense, activation: 'relu', kernelInitializer: seededKernel(context, 'dense1'), name: 'dense1' }), x);
      names.push('dense1');
    }
    if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: 'dropout1' }), x);
    const logits = apply(tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }), x);
    const model = tf.model({ inputs: input, outputs: logits });
    return { model, layers: featureLayers(model, [...names, 'logits']), pretrained: false };
  },
  check: (params, context) => imageShapeIssues(params.imageShape, context),
});

/**
 * A 3×3-style convolution with ReLU named `name`; with batch normalization it is `name`_conv (no bias) → `name`_bn →
 * ReLU named `name`, so the declared layer is the block's activated output either way.
 */
function convBlock(x: tf.SymbolicTensor, name: string, filters: number, params: { kernelSize: number; batchNorm: boolean }, context: BuildContext): tf.SymbolicTensor {
  const conv = (args: { name: string; activation?: 'relu'; useBias: boolean }) =>
    tf.layers.conv2d({ filters, kernelSize: params.kernelSize, padding: 'same', kernelInitializer: seededKernel(context, name), ...args });
  if (!params.batchNorm) return conv({ name, activation: 'relu', useBias: true }).apply(x) as tf.SymbolicTensor;
  const convolved = conv({ name: `${name}_conv`, useBias: false }).apply(x) as tf.SymbolicTensor;
  const normalized = batchNormalization(`${name}_bn`).apply(convolved) as tf.SymbolicTensor;
  return tf.layers.reLU({ name }).apply(normalized) as tf.SymbolicTensor;
}
