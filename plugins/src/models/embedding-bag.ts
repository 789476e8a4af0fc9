// The `embedding-bag` model: token embeddings averaged over the real tokens (padding masked out), then dense layers
// and logits — a bag of words that learns its word vectors.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillModel } from '@distill/core';
import { featureLayers, seededEmbeddings, seededKernel } from './model-building.js';
import { MaskedMean } from './masked-mean.js';
import { sequenceLengthParam, tokenInput, tokenInputIssues, vocabularySizeParam } from './token-input.js';

const paramsSchema = {
  type: 'object',
  properties: {
    embeddingDim: { type: 'integer', minimum: 1, default: 32, description: 'Width of each token embedding (layer "embedding").' },
    hidden: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [], description: 'Units of each dense layer after the mean (hidden1, hidden2, …), in order.' },
    activation: { enum: ['relu', 'tanh', 'sigmoid', 'elu', 'selu'], default: 'relu', description: 'Activation of the hidden layers.' },
    dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Dropout rate after the mean and each hidden layer while training (0: none).' },
    vocabularySize: vocabularySizeParam,
    sequenceLength: sequenceLengthParam,
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'embedding-bag',
  description:
    'Text classifier over token ids: an embedding, the mean of the embeddings of the real tokens (id 0 pads and is masked out; layer "pooled"), ' +
    'dense layers hidden1, hidden2, … and logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { steps, vocabulary } = tokenInput(context, 'embedding-bag', params.vocabularySize);
    const numClasses = context.dataset!.numClasses;
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
    const ids = tf.input({ shape: [steps], dtype: 'int32', name: 'token_ids' });
    const embedded = apply(
      tf.layers.embedding({ inputDim: vocabulary, outputDim: params.embeddingDim, embeddingsInitializer: seededEmbeddings(context, 'embedding'), name: 'embedding' }),
      ids,
    );
    let x = apply(new MaskedMean({ name: 'pooled' }), [embedded, ids]);
    const names = ['embedding', 'pooled'];
    if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: 'dropout0' }), x);
    params.hidden.forEach((units, i) => {
      const name = `hidden${i + 1}`;
      names.push(name);
      x = apply(tf.layers.dense({ units, activation: params.activation, kernelInitializer: seededKernel(context, name), name }), x);
      if (params.dropout > 0) x = apply(tf.layers.dropout({ rate: params.dropout, name: `dropout${i + 1}` }), x);
    });
    const logits = apply(tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }), x);
    const model = tf.model({ inputs: ids, outputs: logits });
    return { model, layers: featureLayers(model, [...names, 'logits']), pretrained: false };
  },
  check: (params, context) => tokenInputIssues(params, context),
});
