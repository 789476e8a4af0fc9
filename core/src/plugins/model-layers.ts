// Finding a model's layer by name, written once: feature losses (in their checks and when they size connectors),
// distill's checks before training and the trainer (when it taps a layer) all say the same thing when a name is
// wrong. Any layer of the tf model may be tapped; the layers a model plugin declares come first and carry its widths.
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import { nearest } from './did-you-mean.js';
import type { DistillModel, FeatureLayer } from './model-plugin.js';

export interface MissingLayer {
  readonly message: string;
  readonly hint?: string;
}

/** The layer `name` of `model` (declared, or any layer of its tf model), or what to tell the user when it has none. */
export function lookupLayer(model: DistillModel, role: string, name: string): { layer: FeatureLayer } | { missing: MissingLayer } {
  const declared = model.layers.find((candidate) => candidate.name === name);
  const tfLayer = tfLayers(model).find((candidate) => candidate.name === name);
  if (declared) return { layer: declared.shape || !tfLayer ? declared : { ...declared, shape: outputShape(tfLayer) } };
  if (tfLayer) {
    const shape = outputShape(tfLayer);
    if (shape) return { layer: { name, width: shape.reduce((a, b) => a * b, 1), shape } };
  }
  const names = model.layers.map((candidate) => candidate.name);
  const close = nearest(name, [...names, ...tfLayers(model).map((layer) => layer.name)]);
  return { missing: { message: `the ${role} has no layer "${name}"; its layers are: ${names.join(', ')}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) } };
}

/** The layer `name` of `model`; a UserError naming the layers it has otherwise. */
export function requireLayer(model: DistillModel, role: string, name: string): FeatureLayer {
  const found = lookupLayer(model, role, name);
  if ('layer' in found) return found.layer;
  throw new UserError(found.missing.message, found.missing.hint ? { hint: found.missing.hint } : undefined);
}

/** The declared layers with their per-sample shapes filled in from the tf model (a plugin may give only widths). */
export function withLayerShapes(model: DistillModel): DistillModel {
  if (model.layers.every((layer) => layer.shape)) return model;
  const layers = model.layers.map((layer) => {
    if (layer.shape) return layer;
    const tfLayer = tfLayers(model).find((candidate) => candidate.name === layer.name);
    const shape = tfLayer && outputShape(tfLayer);
    return shape ? { ...layer, shape } : layer;
  });
  return { ...model, layers };
}

function tfLayers(model: DistillModel): readonly tf.layers.Layer[] {
  try {
    return model.model?.layers ?? [];
  } catch {
    // A teacher source stands in as a model with only the layers it offers: it has no tf model to read.
    return [];
  }
}

/** Per-sample output shape of a single-output layer with known dimensions, else undefined. */
function outputShape(layer: tf.layers.Layer): number[] | undefined {
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) return undefined;
  const perSample = (shape as (number | null)[]).slice(1);
  return perSample.every((d): d is number => typeof d === 'number') ? perSample : undefined;
}
