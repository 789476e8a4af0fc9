import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, initBackend, trainingLosses, UserError, validatedParams, type BuildContext, type DatasetInfo, type DistillModel, type SemanticCheckContext } from '@distill/core';
import cnn from './cnn.js';

const mnistShape = { inputShape: [784], numClasses: 10 };
const build = async (params: Record<string, unknown> = {}, context: Partial<BuildContext> = {}) =>
  (await buildPlugin(cnn, params, { dataset: mnistShape, role: 'student', ...context })) as DistillModel;

function checkContext(dataset: DatasetInfo): SemanticCheckContext {
  return { dataset: async () => dataset, teacher: () => Promise.reject(new Error('unused')), student: () => Promise.reject(new Error('unused')) };
}

describe('cnn model', () => {
  it('reads 784 inputs as 28×28×1 images: conv1, conv2 (each pooled), dense1, logits', async () => {
    const { model, layers } = await build();
    expect(layers).toEqual([
      { name: 'conv1', width: 28 * 28 * 16 },
      { name: 'conv2', width: 14 * 14 * 32 },
      { name: 'dense1', width: 64 },
      { name: 'logits', width: 10 },
    ]);
    expect((model.predict(tf.zeros([2, 784])) as tf.Tensor).shape).toEqual([2, 10]);
    expect(model.getLayer('pool2').outputShape).toEqual([null, 7, 7, 32]);
    model.dispose();
  });

  it('takes 3-D inputs as they are, with the filters, kernel and dense width asked for', async () => {
    const { model, layers } = await build({ filters: [4], kernelSize: 5, dense: 12, dropout: 0.25 }, { dataset: { inputShape: [8, 8, 3], numClasses: 4 } });
    expect(layers.map((l) => `${l.name}:${l.width}`)).toEqual([`conv1:${8 * 8 * 4}`, 'dense1:12', 'logits:4']);
    expect(model.getLayer('conv1').getConfig().kernelSize).toEqual([5, 5]);
    expect((model.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor).shape).toEqual([1, 4]);
    model.dispose();
  });

  it('gives identical weights for the same seed and role', async () => {
    const a = await build({ filters: [2], dense: 4 }, { seed: 9 });
    const b = await build({ filters: [2], dense: 4 }, { seed: 9 });
    const t = await build({ filters: [2], dense: 4 }, { seed: 9, role: 'teacher' });
    const data = (m: DistillModel) => m.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(data(b)).toEqual(data(a));
    expect(data(t)[0]).not.toEqual(data(a)[0]);
  });

  it('refuses inputs that are not images unless imageShape says how to read them', async () => {
    const flat = { inputShape: [12], numClasses: 2 };
    await expect(build({}, { dataset: flat })).rejects.toThrow(new UserError('cnn: inputs of shape [12] are not images; give imageShape [height, width, channels]'));
    const { layers } = await build({ imageShape: [2, 2, 3], filters: [2] }, { dataset: flat });
    expect(layers[0]).toEqual({ name: 'conv1', width: 2 * 2 * 2 });
  });

  it('reports a wrong imageShape in the semantic check, at /imageShape', async () => {
    const issues = await cnn.check!(validatedParams(cnn, { imageShape: [10, 10, 1] }) as never, checkContext(mnistShape));
    expect(issues).toEqual([{ pointer: '/imageShape', message: 'imageShape [10, 10, 1] holds 100 values, but a sample has 784 (input shape [784])' }]);
    expect(await cnn.check!(validatedParams(cnn, {}) as never, checkContext(mnistShape))).toEqual([]);
  });

  it('with batchNorm: conv (no bias) → batch normalization → ReLU per block, the ReLU keeping the block name', async () => {
    const { model, layers } = await build({ filters: [4, 6], batchNorm: true, dense: 8 });
    expect(layers.map((l) => `${l.name}:${l.width}`)).toEqual([`conv1:${28 * 28 * 4}`, `conv2:${14 * 14 * 6}`, 'dense1:8', 'logits:10']);
    expect(model.getLayer('conv1_conv').getConfig().useBias).toBe(false);
    expect(model.getLayer('conv1_bn').getClassName()).toBe('BatchNormalization');
    // Moving statistics that keep up with a short training run (tfjs's default follows ~100 batches).
    expect(model.getLayer('conv1_bn').getConfig().momentum).toBe(0.9);
    expect(model.getLayer('conv1').getClassName()).toBe('ReLU');
    expect(model.getLayer('conv2_bn').outputShape).toEqual([null, 14, 14, 6]);
    model.dispose();
  });

  it("pools with 2×2 averages, or not at all, as 'pooling' says", async () => {
    const average = await build({ filters: [3, 3], pooling: 'avg' });
    expect(average.model.getLayer('pool1').getClassName()).toBe('AveragePooling2D');
    expect(average.model.getLayer('pool2').outputShape).toEqual([null, 7, 7, 3]);
    average.model.dispose();
    const none = await build({ filters: [3, 3], pooling: 'none' });
    expect(none.model.layers.map((l) => l.getClassName())).not.toContain('MaxPooling2D');
    expect(none.layers[1]).toEqual({ name: 'conv2', width: 28 * 28 * 3 });
    none.model.dispose();
  });

  it('with globalPooling and dense 0: global average pooling (declared as pool) straight into the logits', async () => {
    const { model, layers } = await build({ filters: [5, 7], globalPooling: true, dense: 0 });
    expect(layers.map((l) => `${l.name}:${l.width}`)).toEqual([`conv1:${28 * 28 * 5}`, `conv2:${14 * 14 * 7}`, 'pool:7', 'logits:10']);
    expect(model.getLayer('pool').getClassName()).toBe('GlobalAveragePooling2D');
    expect(model.layers.map((l) => l.name)).not.toContain('dense1');
    expect(model.getLayer('logits').getWeights()[0].shape).toEqual([7, 10]);
    model.dispose();
  });

  it('trains on the wasm backend with batch normalization, both poolings and global pooling', async () => {
    await initBackend('wasm');
    for (const pooling of ['max', 'avg']) {
      const { model } = await build({ filters: [4, 8], batchNorm: true, pooling, globalPooling: true, dense: 16, dropout: 0.1 }, { dataset: { inputShape: [12, 12, 1], numClasses: 3 } });
      // Enough steps that the fall does not hang on one initialisation (dropout and batch statistics make the first
      // few steps noisy).
      const losses = await trainingLosses(model, 'wasm', { steps: 20 });
      expect(tf.getBackend()).toBe('wasm');
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1], pooling).toBeLessThan(losses[0] * 0.8);
      model.dispose();
    }
    await initBackend('cpu');
  });
});
