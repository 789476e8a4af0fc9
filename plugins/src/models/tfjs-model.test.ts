import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { saveModelFiles, UserError, type DistillModel, buildPlugin } from '@distill/core';
import tfjsModel from './tfjs-model.js';
import mlp from './mlp.js';

const dir = await mkdtemp(join(tmpdir(), 'distill-tfjs-model-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const dataset = { inputShape: [12], numClasses: 3 };
const saved = (await buildPlugin(mlp, { hidden: [10, 6] }, { dataset, role: 'teacher' })) as DistillModel;
await saveModelFiles(saved.model, join(dir, 'teacher'));

const load = async (path: string, info = dataset) => (await buildPlugin(tfjsModel, { path }, { manifestDir: dir, dataset: info, role: 'teacher' })) as DistillModel;

describe('tfjs-model model', () => {
  it('loads a saved model, relative to the manifest, as a pretrained model with the same predictions', async () => {
    for (const path of ['teacher', 'teacher/model.json']) {
      const loaded = await load(path);
      expect(loaded.pretrained).toBe(true);
      const x = tf.randomUniform([4, 12], 0, 1, 'float32', 3);
      expect(Array.from((loaded.model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((saved.model.predict(x) as tf.Tensor).dataSync()));
      loaded.model.dispose();
    }
  });

  it('declares the saved layers with their widths', async () => {
    const loaded = await load('teacher');
    expect(loaded.layers).toEqual([
      { name: 'hidden1', width: 10 },
      { name: 'hidden2', width: 6 },
      { name: 'logits', width: 3 },
    ]);
    loaded.model.dispose();
  });

  it('refuses a model whose output width is not the number of classes', async () => {
    await expect(load('teacher', { inputShape: [12], numClasses: 4 })).rejects.toThrow(
      new UserError('the model in teacher outputs 3 values per sample, but the dataset has 4 classes'),
    );
  });

  it('refuses a model whose input shape differs from the samples', async () => {
    await expect(load('teacher', { inputShape: [13], numClasses: 3 })).rejects.toThrow("takes inputs of shape [12], but the dataset's samples have shape [13]");
  });

  it('says which path is missing', async () => {
    await expect(load('nothing-here')).rejects.toThrow(`no TensorFlow.js model at ${join(dir, 'nothing-here')}: file not found`);
  });
});
