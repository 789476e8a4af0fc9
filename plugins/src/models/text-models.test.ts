// The text models: the masked mean against numpy's values and gradients, the layers each declares, forward and
// backward passes on wasm with int32 token ids, and the validate-time checks of vocabulary and sequence length.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, initBackend, lossesOnBatch, seededRandom, UserError, validatedParams, type BuildContext, type DatasetInfo, type DistillModel, type SemanticCheckContext } from '@distill/core';
import embeddingBag from './embedding-bag.js';
import textCnn from './text-cnn.js';
import { MaskedMean } from './masked-mean.js';

const golden = JSON.parse(readFileSync(new URL('../../../test/fixtures/golden/masked-mean.json', import.meta.url), 'utf8')) as {
  inputs: { embeddings: number[][][]; ids: number[][]; weights: number[][] };
  expected: { pooled: number[][]; gradient: number[][][] };
};

const textData: DatasetInfo = { inputShape: [12], numClasses: 3, inputDtype: 'int32', vocabularySize: 50 };
const build = async (plugin: typeof embeddingBag | typeof textCnn, params: Record<string, unknown> = {}, context: Partial<BuildContext> = {}) =>
  (await buildPlugin(plugin, params, { dataset: textData, role: 'student', ...context })) as DistillModel;

function checkContext(dataset: DatasetInfo): SemanticCheckContext {
  return { dataset: async () => dataset, teacher: () => Promise.reject(new Error('unused')), student: () => Promise.reject(new Error('unused')) };
}

/** Adam steps (softmax cross-entropy) on one fixed batch of seeded token ids, some padded; the losses. */
async function trainOnTokens(model: tf.LayersModel, steps = 15): Promise<number[]> {
  const random = seededRandom(5);
  const ids = Int32Array.from({ length: 8 * 12 }, (_, i) => (i % 12 > 8 ? 0 : 1 + random.int(49)));
  const x = tf.tensor2d(ids, [8, 12], 'int32');
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 8 }, (_, i) => i % 3), 'int32'), 3);
  try {
    return lossesOnBatch(model, x, y, { steps, learningRate: 0.02 });
  } finally {
    tf.dispose([x, y]);
  }
}

afterAll(() => initBackend('cpu'));

describe('masked mean', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`averages the embeddings of the real tokens only, with numpy's values and gradients (${backend})`, async () => {
      await initBackend(backend);
      const layer = new MaskedMean({});
      const embeddings = tf.tensor3d(golden.inputs.embeddings);
      const ids = tf.tensor2d(golden.inputs.ids, undefined, 'int32');
      const weights = tf.tensor2d(golden.inputs.weights);
      const pooled = layer.apply([embeddings, ids]) as tf.Tensor;
      const gradient = tf.grad((e: tf.Tensor) => (layer.apply([e, ids]) as tf.Tensor).mul(weights).sum())(embeddings);
      expect(pooled.shape).toEqual([3, 4]);
      (pooled.arraySync() as number[][]).flat().forEach((value, i) => expect(value).toBeCloseTo(golden.expected.pooled.flat()[i], 5));
      (gradient.arraySync() as number[][][]).flat(2).forEach((value, i) => expect(value).toBeCloseTo(golden.expected.gradient.flat(2)[i], 4));
      tf.dispose([embeddings, ids, weights, pooled, gradient]);
    });
  }

  it('leaves no tensor behind', () => {
    const embeddings = tf.tensor3d(golden.inputs.embeddings);
    const ids = tf.tensor2d(golden.inputs.ids, undefined, 'int32');
    const layer = new MaskedMean({});
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply([embeddings, ids]) as tf.Tensor);
    tf.dispose(tf.grad((e: tf.Tensor) => (layer.apply([e, ids]) as tf.Tensor).sum())(embeddings));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([embeddings, ids]);
  });
});

describe('embedding-bag model', () => {
  it('declares embedding, pooled, hidden and logits layers over int32 token ids', async () => {
    const { model, layers } = await build(embeddingBag, { embeddingDim: 6, hidden: [5] });
    expect(layers).toEqual([
      { name: 'embedding', width: 12 * 6 },
      { name: 'pooled', width: 6 },
      { name: 'hidden1', width: 5 },
      { name: 'logits', width: 3 },
    ]);
    expect(model.inputs[0].dtype).toBe('int32');
    expect(model.getLayer('embedding').getWeights()[0].shape).toEqual([50, 6]);
    expect(model.countParams()).toBe(50 * 6 + (6 * 5 + 5) + (5 * 3 + 3));
    model.dispose();
  });

  it('gives the same logits for a text whatever padding follows it (padding is masked out)', async () => {
    const { model } = await build(embeddingBag, { embeddingDim: 4, hidden: [3] });
    const short = tf.tensor2d([[5, 9, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]], undefined, 'int32');
    const doubled = tf.tensor2d([[5, 9, 2, 5, 9, 2, 0, 0, 0, 0, 0, 0]], undefined, 'int32');
    const a = (model.predict(short) as tf.Tensor).arraySync() as number[][];
    const b = (model.predict(doubled) as tf.Tensor).arraySync() as number[][];
    a[0].forEach((value, i) => expect(value).toBeCloseTo(b[0][i], 5));
    model.dispose();
  });

  it('trains on the wasm backend: forward and backward with token ids, the loss falls', async () => {
    await initBackend('wasm');
    const { model } = await build(embeddingBag, { embeddingDim: 8, hidden: [8], dropout: 0.1 });
    const losses = await trainOnTokens(model);
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeLessThan(losses[0] * 0.8);
    model.dispose();
  });

  it('refuses float inputs: it reads token ids', async () => {
    await expect(build(embeddingBag, {}, { dataset: { inputShape: [784], numClasses: 10 } })).rejects.toThrow(UserError);
    await expect(build(embeddingBag, {}, { dataset: { inputShape: [784], numClasses: 10 } })).rejects.toThrow(
      'the embedding-bag model reads token ids (int32 inputs of shape [sequenceLength]), but the dataset gives float32 inputs of shape [784]',
    );
  });
});

describe('text-cnn model', () => {
  it('declares embedding, a convolution per width (max-pooled over time), pooled and logits', async () => {
    const { model, layers } = await build(textCnn, { embeddingDim: 5, kernelSizes: [2, 3], filters: 4 });
    expect(layers).toEqual([
      { name: 'embedding', width: 12 * 5 },
      { name: 'conv2', width: 11 * 4 },
      { name: 'conv3', width: 10 * 4 },
      { name: 'pooled', width: 8 },
      { name: 'logits', width: 3 },
    ]);
    expect(model.getLayer('conv3').getConfig().kernelSize).toEqual([3]);
    model.dispose();
  });

  it('trains on the wasm backend (1-D convolutions and max over time), the loss falls', async () => {
    await initBackend('wasm');
    const { model } = await build(textCnn, { embeddingDim: 8, kernelSizes: [2, 3], filters: 6, hidden: [8] });
    const losses = await trainOnTokens(model);
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeLessThan(losses[0] * 0.8);
    model.dispose();
  });
});

describe('checks before training', () => {
  for (const plugin of [embeddingBag, textCnn]) {
    it(`${plugin.name}: a vocabulary larger than the embedding, and another sequence length, at their params`, async () => {
      const issues = await plugin.check!(validatedParams(plugin, { vocabularySize: 40, sequenceLength: 16 }) as never, checkContext(textData));
      expect(issues).toEqual([
        {
          pointer: '/vocabularySize',
          message: "the dataset's vocabulary has 50 token ids, more than the embedding's 40 rows",
          hint: 'raise vocabularySize to 50 (or leave it out), or lower the tokenizer\'s maxVocabulary to 38',
        },
        { pointer: '/sequenceLength', message: "the dataset's sequences have 12 token ids, not 16", hint: "make it the tokenizer's sequenceLength, or leave it out" },
      ]);
      expect(await plugin.check!(validatedParams(plugin, { vocabularySize: 50, sequenceLength: 12 }) as never, checkContext(textData))).toEqual([]);
    });
  }
});
