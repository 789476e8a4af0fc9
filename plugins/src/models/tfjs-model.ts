// The `tfjs-model` model: a saved TensorFlow.js LayersModel (model.json + weights), e.g. a teacher trained by an earlier run.
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { definePlugin, loadModelFiles, UserError, type DistillModel } from '@distill/core';
import { datasetOf, featureLayers } from './model-building.js';

const paramsSchema = {
  type: 'object',
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description: 'The model.json of a saved TensorFlow.js LayersModel, or the directory holding it, relative to the manifest.',
    },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'model',
  name: 'tfjs-model',
  description: 'A saved TensorFlow.js LayersModel with trained weights (as a teacher it is frozen); its layers keep their names.',
  paramsSchema,
  create: async (params, context): Promise<DistillModel> => {
    const { inputShape, numClasses } = datasetOf(context, 'tfjs-model');
    const model = await loadModelFiles(resolve(context.manifestDir, params.path));
    try {
      checkShapes(model, params.path, inputShape, numClasses);
    } catch (error) {
      model.dispose();
      throw error;
    }
    const names = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer').map((layer) => layer.name);
    return { model, layers: featureLayers(model, names), pretrained: true };
  },
});

function checkShapes(model: tf.LayersModel, path: string, inputShape: readonly number[], numClasses: number): void {
  if (model.outputs.length !== 1) throw new UserError(`the model in ${path} has ${model.outputs.length} outputs; distill needs one output of logits`);
  const outputWidth = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (outputWidth !== numClasses) {
    throw new UserError(`the model in ${path} outputs ${outputWidth} values per sample, but the dataset has ${numClasses} classes`);
  }
  const modelInput = model.inputs[0].shape.slice(1);
  if (model.inputs.length !== 1 || modelInput.join(',') !== inputShape.join(',')) {
    throw new UserError(`the model in ${path} takes inputs of shape [${modelInput.join(', ')}], but the dataset's samples have shape [${inputShape.join(', ')}]`);
  }
}
