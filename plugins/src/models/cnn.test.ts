import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { UserError, type BuildContext, type DatasetInfo, type DistillModel, type SemanticCheckContext, buildPlugin, validatedParams } from '@distill/core';
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
});
