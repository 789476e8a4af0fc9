// A layer tfjs lacks: the mean of a sequence's embeddings over its real tokens only (token id 0 pads and is left out),
// so a short text is not diluted by padding. Registered with tfjs's serialization so a saved model loads back
// (`tf.loadLayersModel`) wherever this module has been imported.
import * as tf from '@tensorflow/tfjs';
import { PAD_ID } from '@distill/core';

export class MaskedMean extends tf.layers.Layer {
  static readonly className = 'DistillMaskedMean';

  /** `[embeddings [batch, steps, dim], ids [batch, steps]]` → `[batch, dim]`. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [embeddings, ids] = inputs as tf.Tensor[];
      const mask = tf.notEqual(ids, PAD_ID).toFloat().expandDims(-1);
      const counts = tf.maximum(mask.sum(1), 1);
      return embeddings.mul(mask).sum(1).div(counts);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [embeddings] = inputShape as tf.Shape[];
    return [embeddings[0], embeddings[2]];
  }
}

tf.serialization.registerClass(MaskedMean);
