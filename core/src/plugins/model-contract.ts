// What a built model must be before anything trains it: logits of width numClasses, and the layers it declares (the
// ones feature losses may name) present in its tfjs model. A custom model that breaks this fails here, naming its
// plugin, instead of deep inside a loss.
import { UserError } from '../errors.js';
import type { DistillModel } from './model-plugin.js';

export function checkModelContract(built: DistillModel, numClasses: number, plugin: string, role: 'teacher' | 'student', inputShape?: readonly number[]): void {
  const who = `the ${role} (model plugin "${plugin}")`;
  const outputs = built?.model?.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0 || !Array.isArray(built.layers)) {
    throw new UserError(`${who} is not a model: its create must return { model: a tf.LayersModel, layers: [...], pretrained }`);
  }
  const shape = outputs[0].shape;
  if (shape.length !== 2 || shape[1] !== numClasses) {
    throw new UserError(
      `${who} outputs shape [${shape.map((d) => d ?? 'batch').join(', ')}], but the dataset has ${numClasses} classes: it must output logits of shape [batch, ${numClasses}]`,
      { hint: 'size its last layer from context.dataset.numClasses' },
    );
  }
  if (inputShape) checkInputShape(built, inputShape, who);
  const names = built.model.layers.map((layer) => layer.name);
  const missing = built.layers.find((layer) => !names.includes(layer.name));
  if (missing) throw new UserError(`${who} declares layer "${missing.name}", which its tf model does not have; its layers are: ${names.join(', ')}`);
}

// A model whose input is fixed to another shape (a converted model, an image size of its own) is refused here, before
// its first batch fails inside tfjs; an unspecified (null) dimension accepts anything.
function checkInputShape(built: DistillModel, inputShape: readonly number[], who: string): void {
  const expected = built.model.inputs?.[0]?.shape?.slice(1);
  if (!expected) return;
  const fits = expected.length === inputShape.length && expected.every((d, i) => d === null || d === inputShape[i]);
  if (fits) return;
  const shown = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'any').join(', ')}]`;
  throw new UserError(`${who} reads inputs of shape ${shown(expected)}, but the dataset's samples are ${shown(inputShape)}`, {
    hint: 'make the dataset give samples of the model\'s input shape (an image dataset\'s imageSize and color), or build the model from context.dataset.inputShape',
  });
}
