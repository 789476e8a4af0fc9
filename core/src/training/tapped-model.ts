// A view of a model that returns its logits together with the named intermediate layers that feature losses compare,
// each shaped as the layer outputs it. Any layer of the tf model can be tapped. It shares the model's weights, so
// training it trains the model.
import * as tf from '@tensorflow/tfjs';
import type { DistillModel } from '../plugins/model-plugin.js';
import { requireLayer } from '../plugins/model-layers.js';

export interface TappedModel {
  readonly layerNames: readonly string[];
  /** Logits and the tapped layers' outputs, `[batch, ...shape]`. */
  apply(x: tf.Tensor, training: boolean): { logits: tf.Tensor2D; features: Record<string, tf.Tensor> };
}

export function tapModel(distillModel: DistillModel, layerNames: readonly string[], role: string): TappedModel {
  const { model } = distillModel;
  const unique = [...new Set(layerNames)];
  const outputs = unique.map((name) => layerOutput(model, name, distillModel, role));
  const tapped = unique.length ? tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...outputs] }) : model;
  return {
    layerNames: unique,
    apply(x, training) {
      const result = tapped.apply(x, { training });
      const all = Array.isArray(result) ? (result as tf.Tensor[]) : [result as tf.Tensor];
      return { logits: all[0] as tf.Tensor2D, features: Object.fromEntries(unique.map((name, i) => [name, all[i + 1]])) };
    },
  };
}

function layerOutput(model: tf.LayersModel, name: string, distillModel: DistillModel, role: string): tf.SymbolicTensor {
  requireLayer(distillModel, role, name);
  const output = model.getLayer(name).output;
  return (Array.isArray(output) ? output[0] : output) as tf.SymbolicTensor;
}
