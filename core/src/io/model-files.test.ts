import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadModelFiles, loadVariables, saveModelFiles, saveVariables } from './model-files.js';
import { UserError } from '../errors.js';

const root = await mkdtemp(join(tmpdir(), 'distill-model-files-'));
afterAll(() => rm(root, { recursive: true, force: true }));

function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ units: 5, activation: 'relu', name: 'hidden1' }).apply(input) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: 'logits' }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

describe('model files', () => {
  it('saves the standard tfjs layout and loads a model that predicts identically', async () => {
    const model = smallModel();
    const dir = join(root, 'round-trip');
    const written = await saveModelFiles(model, dir);
    expect(written.sort()).toEqual([join(dir, 'model.json'), join(dir, 'weights.bin')]);

    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.class_name).toBe('Model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      'hidden1/kernel',
      'hidden1/bias',
      'logits/kernel',
      'logits/bias',
    ]);
    const bin = await readFile(join(dir, 'weights.bin'));
    expect(bin.byteLength).toBe((6 * 5 + 5 + 5 * 3 + 3) * 4);

    for (const path of [dir, join(dir, 'model.json')]) {
      const loaded = await loadModelFiles(path);
      const x = tf.randomNormal([4, 6], 0, 1, 'float32', 7);
      const before = model.predict(x) as tf.Tensor;
      const after = loaded.predict(x) as tf.Tensor;
      expect(Array.from(await after.data())).toEqual(Array.from(await before.data()));
      tf.dispose([x, before, after]);
      loaded.dispose();
    }
    model.dispose();
  });

  it('round-trips named variables', async () => {
    const kernel = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const bias = tf.tensor1d([0.5, -0.5, 0.25]);
    const dir = join(root, 'variables');
    const written = await saveVariables([{ name: 'projection/kernel', tensor: kernel }, { name: 'projection/bias', tensor: bias }], dir, 'feature-mse');
    expect(written.sort()).toEqual([join(dir, 'feature-mse.bin'), join(dir, 'feature-mse.json')]);
    const loaded = await loadVariables(dir, 'feature-mse');
    expect(loaded.map((v) => v.name)).toEqual(['projection/kernel', 'projection/bias']);
    expect(loaded[0].tensor.shape).toEqual([2, 3]);
    expect(loaded[0].tensor.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(loaded[1].tensor.arraySync()).toEqual([0.5, -0.5, 0.25]);
    tf.dispose([kernel, bias, ...loaded.map((v) => v.tensor)]);
  });

  it('says which path is missing', async () => {
    const missing = join(root, 'nowhere');
    await expect(loadModelFiles(missing)).rejects.toThrow(new UserError(`no TensorFlow.js model at ${missing}: file not found`));
    await mkdir(join(root, 'empty'));
    await expect(loadModelFiles(join(root, 'empty'))).rejects.toThrow(`no model.json in ${join(root, 'empty')}`);
    await expect(loadVariables(root, 'absent')).rejects.toThrow(`cannot read ${join(root, 'absent.json')}: file not found`);
  });

  it('rejects a file that is not a LayersModel', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'model.json'), '{ not json');
    await expect(loadModelFiles(bad)).rejects.toBeInstanceOf(UserError);
    await expect(loadModelFiles(bad)).rejects.toThrow('is not valid JSON');
    await writeFile(join(bad, 'model.json'), JSON.stringify({ weightsManifest: [] }));
    await expect(loadModelFiles(bad)).rejects.toThrow('has no "modelTopology"');
  });

  it('names a missing weights file', async () => {
    const dir = join(root, 'no-weights');
    await saveModelFiles(smallModel(), dir);
    await rm(join(dir, 'weights.bin'));
    await expect(loadModelFiles(dir)).rejects.toThrow(`weights file ${join(dir, 'weights.bin')} named in model.json is missing`);
  });
});
