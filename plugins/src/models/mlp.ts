// The `mlp` model: dense hidden layers with an activation and optional dropout, then a dense logits layer.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type DistillModel } from '@distill/core';
import { datasetOf, featureLayers, seededKernel } from './model-building.js';

const paramsSchema = {
  type: 'object',
  properties: {
    hidden: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      default: [128],
      description: 'Units of each hidden layer, in order; the layers are named hidden1, hidden2, …',
    },
    activation: {
      enum: ['relu', 'tanh', 'sigmoid', 'elu', 'selu'],
      default: 'relu',
      description: 'Activation of the hidden layers.',
    },
    dropout: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Dropout rate after each hidden layer while training (0: none).',
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'mlp',
  description: 'A multilayer perceptron: dense layers hidden1, hidden2, … with an activation and dropout, then logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { inputShape, numClasses } = datasetOf(context, 'mlp');
    const input = tf.input({ shape: [...inputShape] });
    let x = inputShape.length > 1 ? (tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor) : input;
    const names: string[] = [];
    params.hidden.forEach((units, i) => {
      const name = `hidden${i + 1}`;
      names.push(name);
      x = tf.layers.dense({ units, activation: params.activation, kernelInitializer: seededKernel(context, name), name }).apply(x) as tf.SymbolicTensor;
      if (params.dropout > 0) x = tf.layers.dropout({ rate: params.dropout, name: `dropout${i + 1}` }).apply(x) as tf.SymbolicTensor;
    });
    const logits = tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    return { model, layers: featureLayers(model, [...names, 'logits']), pretrained: false };
  },
});
