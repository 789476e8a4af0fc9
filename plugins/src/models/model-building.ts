// What every built-in model needs from its build context: the dataset's shape and seeds for its layers' initial weights.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, UserError, type BuildContext, type DatasetInfo, type FeatureLayer } from '@distill/core';
import { resolveImageShape } from './image-shape.js';

export function datasetOf(context: BuildContext, plugin: string): DatasetInfo {
  if (!context.dataset) throw new Error(`the ${plugin} model is built from the dataset's shape, but its build context has no dataset`);
  return context.dataset;
}

/**
 * Glorot-uniform initial weights seeded from the run's seed, the model's role and the layer's name: the same seed and
 * role give identical weights, and a teacher and a student of the same architecture differ.
 */
export function seededKernel(context: BuildContext, layerName: string) {
  return tf.initializers.glorotUniform({ seed: deriveSeed(context.seed, `${context.role ?? 'student'}/${layerName}`) });
}

/** Uniform initial embeddings in [-0.05, 0.05] (Keras's default), seeded like `seededKernel`. */
export function seededEmbeddings(context: BuildContext, layerName: string) {
  return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: deriveSeed(context.seed, `${context.role ?? 'student'}/${layerName}`) });
}

/** The named layers with their per-sample output widths (the product of their output shape without the batch axis). */
export function featureLayers(model: tf.LayersModel, names: readonly string[]): FeatureLayer[] {
  return names.map((name) => ({ name, width: outputWidth(model.getLayer(name)) })).filter((layer) => Number.isFinite(layer.width));
}

function outputWidth(layer: tf.layers.Layer): number {
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) return NaN;
  return (shape as (number | null)[]).slice(1).reduce<number>((width, d) => width * (d ?? NaN), 1);
}

/**
 * The model's input and the same samples as images: the input itself when it is 3-D, else reshaped (a layer named
 * `image`) to `imageShape` or 28×28×1 for 784 floats.
 */
export function imageInput(context: BuildContext, plugin: string, imageShape?: readonly number[]): { input: tf.SymbolicTensor; image: tf.SymbolicTensor } {
  const { inputShape } = datasetOf(context, plugin);
  const shape = resolveImageShape(inputShape, imageShape);
  if (typeof shape === 'string') throw new UserError(`${plugin}: ${shape}`);
  const input = tf.input({ shape: [...inputShape] });
  const image = inputShape.length === 3 ? input : (tf.layers.reshape({ targetShape: shape, name: 'image' }).apply(input) as tf.SymbolicTensor);
  return { input, image };
}

/**
 * Batch normalization whose moving statistics (what inference uses) follow the last ~10 batches (momentum 0.9, as
 * PyTorch's default), not tfjs's ~100 (0.99): with 0.99 a model trained for a few hundred steps is evaluated with
 * statistics still weighted towards their initial values (a ResNet-8 after 339 steps on MNIST: 92 % validation
 * accuracy with 0.99).
 */
export function batchNormalization(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ name, momentum: 0.9 });
}
