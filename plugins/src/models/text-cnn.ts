// The `text-cnn` model (Kim, 2014): token embeddings, parallel 1-D convolutions of several widths with ReLU, each
// max-pooled over time, concatenated, then dense layers and logits.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillModel } from '@distill/core';
import { featureLayers, seededEmbeddings, seededKernel } from './model-building.js';
import { sequenceLengthParam, tokenInput, tokenInputIssues, vocabularySizeParam } from './token-input.js';

const paramsSchema = {
  type: 'object',
  properties: {
    embeddingDim: { type: 'integer', minimum: 1, default: 64, description: 'Width of each token embedding (layer "embedding").' },
    kernelSizes: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      minItems: 1,
      default: [3, 4, 5],
      description: 'Width in tokens of each convolution (layers conv3, conv4, …, each max-pooled over time); at most the sequence length.',
    },
    filters: { type: 'integer', minimum: 1, default: 64, description: 'Filters of each convolution.' },
    hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [], description: 'Units of each dense layer after the pooled features (hidden1, hidden2, …).' },
    dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Dropout rate on the pooled features and after each hidden layer while training (0: none).' },
    vocabularySize: vocabularySizeParam,
    sequenceLength: sequenceLengthParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'text-cnn',
  description:
    'Text classifier over token ids (Kim, 2014): an embedding, 1-D convolutions of each of kernelSizes (conv3, conv4, …) with ReLU, ' +
    'max-pooled over time and concatenated (layer "pooled"; padding is a token like any other), dense layers hidden1, … and logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { steps, vocabulary } = tokenInput(context, 'text-cnn', params.vocabularySize);
    const numClasses = context.dataset!.numClasses;
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
    const ids = tf.input({ shape: [steps], dtype: 'int32', name: 'token_ids' });
    const embedded = apply(tf.layers.embedding({ inputDim: vocabulary, outputDim: params.embeddingDim, embeddingsInitializer: seededEmbeddings(context, 'embedding'), name: 'embedding' }), ids);
    const names = ['embedding'];
    const kernelSizes = [...new Set(params.kernelSizes)].filter((size) => size <= steps);
    if (kernelSizes.length === 0) kernelSizes.push(steps);
    const pooled = kernelSizes.map((size) => {
      const name = `conv${size}`;
      names.push(name);
      const conv = apply(tf.layers.conv1d({ filters: params.filters, kernelSize: size, activation: 'relu', kernelInitializer: seededKernel(context, name), name }), embedded);
      return apply(tf.layers.globalMaxPooling1d({ name: `${name}_max` }), conv);
    });
    let x = pooled.length === 1 ? pooled[0] : apply(tf.layers.concatenate({ name: 'pooled' }), pooled);
    if (pooled.length > 1) names.push('pooled');
    if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: 'dropout0' }), x);
    params.hidden.forEach((units, i) => {
      const name = `hidden${i + 1}`;
      names.push(name);
      x = apply(tf.layers.dense({ units, activation: 'relu', kernelInitializer: seededKernel(context, name), name }), x);
      if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: `dropout${i + 1}` }), x);
    });
    const logits = apply(tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }), x);
    const model = tf.model({ inputs: ids, outputs: logits });
    return { model, layers: featureLayers(model, [...names, 'logits']), pretrained: false };
  },
  check: (params, context) => tokenInputIssues(params, context),
});
