// Conformance of normalization: batch normalization in training mode (batch moments, then FusedBatchNorm) with the
// gradients of input, scale and offset, the BatchNormalization layer in training mode (its moving averages too), and
// the LayerNormalization layer.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mismatches, type ConformanceCase } from './compare-backends.js';

describe('batch normalization in training mode', () => {
  for (const shape of [
    [4, 5, 5, 3],
    [1, 7, 3, 2],
    [6, 9],
  ]) {
    it(`x [${shape}]: normalized by the batch's moments, scaled and shifted`, async () => {
      const channels = shape[shape.length - 1];
      const axes = shape.slice(0, -1).map((_, i) => i);
      const f = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, axes);
        return tf.batchNorm(x, mean, variance, offset, scale, 1e-3);
      };
      const found = await mismatches(
        { name: 'batchNorm', inputs: [{ shape }, { shape: [channels] }, { shape: [channels] }], f }, 9000 + shape.length,
      );
      expect(found).toEqual([]);
    });
  }
});

/** A layer applied in training mode to the input, with its weights fixed by a seeded initializer. */
function layerCase(name: string, make: () => tf.layers.Layer, shape: number[], readWeight?: number): ConformanceCase {
  return {
    name,
    inputs: [{ shape }],
    f: (x) => {
      const layer = make();
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      // The layer's state after the step (a BatchNormalization's moving mean), folded into the output to compare it.
      if (readWeight === undefined) return y;
      return tf.concat([y.flatten(), layer.getWeights()[readWeight].flatten()]);
    },
  };
}

describe('normalization layers in training mode', () => {
  it('BatchNormalization: output, gradient and the updated moving mean', async () => {
    const make = () => tf.layers.batchNormalization({ momentum: 0.9, gammaInitializer: tf.initializers.randomNormal({ seed: 3 }) });
    const found = await mismatches(layerCase('batchNormalization', make, [4, 6, 6, 3], 2), 9100);
    expect(found).toEqual([]);
  });

  it('LayerNormalization over the last axis', async () => {
    const make = () => tf.layers.layerNormalization({ gammaInitializer: tf.initializers.randomNormal({ seed: 4 }), betaInitializer: tf.initializers.randomNormal({ seed: 5 }) });
    const found = await mismatches(layerCase('layerNormalization', make, [3, 5, 7]), 9200);
    expect(found).toEqual([]);
  });
});
