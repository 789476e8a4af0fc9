// The dry run that refuses a model before training: it names the layer and the kernel a backend lacks, tells
// training from inference, reports tfjs's own refusals, leaves the model and the seeded Math.random untouched, and
// finds nothing to refuse in the common Keras-style layers on the wasm backend.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded-random.js';
import { initBackend } from './select-backend.js';
import { describeUntrainable, findUntrainableLayers } from './untrainable-layers.js';

const LACKING = 'cpu-without-conv2d-backprop-filter';

/** A real cpu backend with every cpu kernel but one: a backend that lacks a kernel, as wasm did. */
function registerLackingBackend(): void {
  const CpuBackend = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
  tf.registerBackend(LACKING, () => Object.assign(new CpuBackend(), { firstUse: false }));
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (kernel.kernelName !== tf.Conv2DBackpropFilter) tf.registerKernel({ ...kernel, backendName: LACKING });
  }
}

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

function smallCnn(conv: { dilationRate?: number } = {}): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  let x = apply(tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv', ...conv }), input);
  x = apply(tf.layers.batchNormalization({ name: 'bn' }), x);
  x = apply(tf.layers.flatten({}), x);
  return tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 3, name: 'logits' }), x) });
}

beforeAll(async () => {
  await initBackend('cpu');
  registerLackingBackend();
});

afterAll(async () => {
  tf.removeBackend(LACKING);
  await initBackend('cpu');
});

describe('findUntrainableLayers', () => {
  it('names the layer and the kernel a backend lacks for training, and nothing for inference', async () => {
    await tf.setBackend(LACKING);
    const model = smallCnn();
    const problems = findUntrainableLayers(model, 'train');
    expect(problems).toEqual([{ layer: 'conv', className: 'Conv2D', kernel: 'Conv2DBackpropFilter', backend: LACKING, reason: expect.stringContaining("Kernel 'Conv2DBackpropFilter' not registered") }]);
    expect(describeUntrainable(problems[0], 'train')).toBe(`layer "conv" (Conv2D) needs the kernel 'Conv2DBackpropFilter' to train, which the ${LACKING} backend does not have`);
    expect(findUntrainableLayers(model, 'infer')).toEqual([]);
    model.dispose();
  });

  it("reports tfjs's refusal to differentiate a dilated convolution, on every backend", async () => {
    await tf.setBackend('cpu');
    const model = smallCnn({ dilationRate: 2 });
    const [problem, ...rest] = findUntrainableLayers(model, 'train');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ layer: 'conv', className: 'Conv2D', backend: 'cpu' });
    expect(problem.kernel).toBeUndefined();
    expect(describeUntrainable(problem, 'train')).toMatch(/^layer "conv" \(Conv2D\) cannot train on the cpu backend: Error in gradient of .*dilation rates greater than 1 are not yet supported/);
    model.dispose();
  });

  it('leaves weights, batch-normalization statistics and the seeded Math.random as they were', async () => {
    await tf.setBackend('cpu');
    const model = smallCnn();
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const original = Math.random;
    Math.random = seededRandom(5).next;
    const expectedNext = seededRandom(5).next();
    let next: number;
    try {
      expect(findUntrainableLayers(model, 'train')).toEqual([]);
      next = Math.random();
    } finally {
      Math.random = original;
    }
    expect(next).toBe(expectedNext);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });

  it('probes a layer shared by two branches of a model', async () => {
    await tf.setBackend(LACKING);
    const input = tf.input({ shape: [6, 6, 1] });
    const shared = tf.layers.conv2d({ filters: 1, kernelSize: 3, name: 'shared' });
    const both = apply(tf.layers.add({}), [apply(shared, input), apply(shared, apply(tf.layers.reLU({}), input))]);
    const model = tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 2 }), apply(tf.layers.flatten({}), both)) });
    expect(findUntrainableLayers(model, 'train').map((p) => `${p.layer}:${p.kernel}`)).toEqual(['shared:Conv2DBackpropFilter']);
    model.dispose();
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('cpu');
    const model = smallCnn();
    const tensors = tf.memory().numTensors;
    findUntrainableLayers(model, 'train');
    findUntrainableLayers(model, 'infer');
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('finds every common Keras-style layer trainable on the wasm backend', async () => {
    await initBackend('wasm');
    const image = tf.input({ shape: [9, 9, 3] });
    const branches = [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
      tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same' }),
      tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.batchNormalization({}),
      tf.layers.upSampling2d({ size: [2, 2] }),
      tf.layers.zeroPadding2d({ padding: 1 }),
    ].map((layer) => apply(tf.layers.globalAveragePooling2d({}), apply(layer, image)));
    const globalMax = apply(tf.layers.globalMaxPooling2d({}), image);
    const tokens = tf.input({ shape: [5], dtype: 'int32' });
    let sequence = apply(tf.layers.embedding({ inputDim: 11, outputDim: 4 }), tokens);
    sequence = apply(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), sequence);
    sequence = apply(tf.layers.layerNormalization({}), sequence);
    sequence = apply(tf.layers.lstm({ units: 3 }), sequence);
    let x = apply(tf.layers.concatenate({}), [...branches, globalMax, sequence]);
    x = apply(tf.layers.dropout({ rate: 0.5 }), apply(tf.layers.dense({ units: 8, activation: 'elu' }), x));
    const model = tf.model({ inputs: [image, tokens], outputs: apply(tf.layers.dense({ units: 3 }), apply(tf.layers.prelu({}), x)) });
    expect(findUntrainableLayers(model, 'train')).toEqual([]);
    model.dispose();
    await initBackend('cpu');
  });
});
