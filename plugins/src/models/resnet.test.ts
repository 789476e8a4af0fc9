import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, initBackend, trainingLosses, UserError, validatedParams, type BuildContext, type DatasetInfo, type DistillModel, type SemanticCheckContext } from '@distill/core';
import resnet from './resnet.js';

const mnistShape = { inputShape: [784], numClasses: 10 };
const build = async (params: Record<string, unknown> = {}, context: Partial<BuildContext> = {}) =>
  (await buildPlugin(resnet, params, { dataset: mnistShape, role: 'teacher', ...context })) as DistillModel;

const layersOfClass = (model: tf.LayersModel, className: string) => model.layers.filter((layer) => layer.getClassName() === className);

describe('resnet model', () => {
  it('ResNet-20 on 28×28×1: stem, three stages of 16/32/64 filters at 28, 14 and 7 pixels, pooled features, logits', async () => {
    const { model, layers, pretrained } = await build();
    expect(layers).toEqual([
      { name: 'stem', width: 28 * 28 * 16 },
      { name: 'block1', width: 28 * 28 * 16 },
      { name: 'block2', width: 14 * 14 * 32 },
      { name: 'block3', width: 7 * 7 * 64 },
      { name: 'pool', width: 64 },
      { name: 'logits', width: 10 },
    ]);
    expect(pretrained).toBe(false);
    // 6n + 2 layers with weights for n = 3: 19 3×3 convolutions and the dense logits, plus two 1×1 projections.
    const convs = layersOfClass(model, 'Conv2D');
    expect(convs.filter((conv) => conv.getConfig().kernelSize!.toString() === '3,3')).toHaveLength(19);
    expect(convs.filter((conv) => conv.getConfig().kernelSize!.toString() === '1,1').map((conv) => conv.name)).toEqual(['stage2_block1_shortcut_conv', 'stage3_block1_shortcut_conv']);
    expect(layersOfClass(model, 'BatchNormalization')).toHaveLength(21);
    expect(layersOfClass(model, 'BatchNormalization').map((bn) => bn.getConfig().momentum)).toEqual(Array(21).fill(0.9));
    expect(layersOfClass(model, 'Add')).toHaveLength(9);
    expect((model.predict(tf.zeros([2, 784])) as tf.Tensor).shape).toEqual([2, 10]);
    model.dispose();
  });

  it('has one block per stage at depth 8 and five at depth 32, and scales the filters by width', async () => {
    const small = await build({ depth: 8, width: 0.5 });
    expect(layersOfClass(small.model, 'Add')).toHaveLength(3);
    expect(small.layers.map((l) => `${l.name}:${l.width}`)).toEqual([`stem:${28 * 28 * 8}`, `block1:${28 * 28 * 8}`, `block2:${14 * 14 * 16}`, `block3:${7 * 7 * 32}`, 'pool:32', 'logits:10']);
    small.model.dispose();
    const deep = await build({ depth: 32 });
    expect(layersOfClass(deep.model, 'Add')).toHaveLength(15);
    deep.model.dispose();
  });

  it('reads 3-D inputs as they are (CIFAR-size), and refuses a depth that is not 6n + 2', async () => {
    const { model, layers } = await build({ depth: 8 }, { dataset: { inputShape: [32, 32, 3], numClasses: 4 } });
    expect(layers.find((l) => l.name === 'block3')).toEqual({ name: 'block3', width: 8 * 8 * 64 });
    expect((model.predict(tf.zeros([1, 32, 32, 3])) as tf.Tensor).shape).toEqual([1, 4]);
    model.dispose();
    expect(() => validatedParams(resnet, { depth: 10 })).toThrow('/params/depth: must be one of 8, 14, 20, 32, 44, 56, 110 (got 10)');
  });

  it('gives identical weights for the same seed and role, and different ones for another role', async () => {
    const weights = (m: DistillModel) => m.model.getWeights().map((w) => Array.from(w.dataSync()));
    const a = await build({ depth: 8, width: 0.25 }, { seed: 9 });
    const b = await build({ depth: 8, width: 0.25 }, { seed: 9 });
    const student = await build({ depth: 8, width: 0.25 }, { seed: 9, role: 'student' });
    expect(weights(b)).toEqual(weights(a));
    expect(weights(student)[0]).not.toEqual(weights(a)[0]);
    [a, b, student].forEach((m) => m.model.dispose());
  });

  it('trains on the wasm backend: the loss of a few Adam steps on one batch falls', async () => {
    await initBackend('wasm');
    const { model } = await build({ depth: 8, width: 0.5 }, { dataset: { inputShape: [12, 12, 1], numClasses: 3 } });
    const losses = await trainingLosses(model, 'wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    model.dispose();
    await initBackend('cpu');
  });

  it('refuses inputs that are not images, and reports a wrong imageShape at /imageShape', async () => {
    await expect(build({}, { dataset: { inputShape: [12], numClasses: 2 } })).rejects.toThrow(new UserError('resnet: inputs of shape [12] are not images; give imageShape [height, width, channels]'));
    const context: SemanticCheckContext = { dataset: async () => mnistShape as DatasetInfo, teacher: () => Promise.reject(new Error('unused')), student: () => Promise.reject(new Error('unused')) };
    expect(await resnet.check!(validatedParams(resnet, { imageShape: [10, 10, 1] }) as never, context)).toEqual([
      { pointer: '/imageShape', message: 'imageShape [10, 10, 1] holds 100 values, but a sample has 784 (input shape [784])' },
    ]);
  });
});
