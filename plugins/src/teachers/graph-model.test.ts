// The `graph-model` teacher on the GraphModel fixture written with numpy (test/reference/graph_model_fixture.py): its
// logits and its tapped hidden node match numpy's, an unknown node is refused with the nearest names, and shards outside
// the model's directory are never read.
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend, type Dataset } from '@distill/core';
import graphModel from './graph-model.js';

const fixtureDir = fileURLToPath(new URL('../../../test/fixtures/graph-model/', import.meta.url));
const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')) as { inputs: number[][]; 'hidden/Relu': number[][]; logits: number[][] };

/** A dataset of the fixture's shape: 12 features, 4 classes. */
const data: Dataset = {
  inputShape: [12],
  numClasses: 4,
  train: { x: Float32Array.from(expected.inputs.flat()), y: new Int32Array(3), count: 3 },
  test: { x: Float32Array.from(expected.inputs.flat()), y: new Int32Array(3), count: 3 },
  fingerprint: 'f',
};
const build = (params: Record<string, unknown>, dir = fixtureDir) => buildPlugin(graphModel, params, { manifestDir: dir, dataset: { inputShape: [12], numClasses: 4 }, data });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('graph-model teacher', () => {
  it("gives the graph's logits and a tapped intermediate node, as numpy computes them", async () => {
    const teacher = await build({ path: 'model.json', layers: ['hidden/Relu'] });
    expect(teacher.outputs).toBe('logits');
    expect(teacher.layers).toEqual([{ name: 'hidden/Relu', width: 16, shape: [16] }]);
    const out = await teacher.predict({ inputs: tf.tensor2d(expected.inputs), sampleIds: tf.tensor1d([0, 1, 2], 'int32') }, ['hidden/Relu']);
    (await out.logits!.array()).flat().forEach((value, i) => expect(value).toBeCloseTo(expected.logits.flat()[i], 4));
    (await out.features['hidden/Relu'].array() as number[][]).flat().forEach((value, i) => expect(value).toBeCloseTo(expected['hidden/Relu'].flat()[i], 4));
    expect(teacher.describe()).toMatchObject({ model: 'model.json', output: 'logits/BiasAdd' });
    expect(teacher.describe().sha256).toMatch(/^[0-9a-f]{64}$/);
    tf.dispose([out.logits!, ...Object.values(out.features)]);
    teacher.dispose!();
  });

  it('refuses a node the graph lacks, naming the nearest', async () => {
    await expect(build({ path: '.', layers: ['hidden/relu'] })).rejects.toThrow('.: the graph has no node "hidden/relu"; did you mean "hidden/Relu"? (its nodes: x, hidden/kernel, hidden/bias, logits/kernel, logits/bias, hidden/MatMul, hidden/BiasAdd, hidden/Relu, logits/MatMul, logits/BiasAdd)');
  });

  it('refuses an output of the wrong width, a weight shard outside its directory and a LayersModel', async () => {
    await expect(build({ path: 'model.json', output: 'hidden/Relu' })).rejects.toThrow('model.json: node "hidden/Relu" outputs shape [1, 16] for one sample; distill needs [1, 4] (one logit per class)');
    const dir = mkdtempSync(join(tmpdir(), 'graph-model-'));
    const json = JSON.parse(readFileSync(join(fixtureDir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../weights.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(build({ path: 'model.json' }, dir)).rejects.toThrow('model.json: weight shard "../weights.bin" lies outside the model\'s directory');
    copyFileSync(join(fixtureDir, 'weights.bin'), join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, format: 'layers-model', weightsManifest: [{ ...json.weightsManifest[0], paths: ['weights.bin'] }] }));
    await expect(build({ path: 'model.json' }, dir)).rejects.toThrow('model.json: not a TensorFlow.js graph model (expected "format": "graph-model" and a modelTopology with nodes); a LayersModel is a "tfjs-model" teacher');
  });

  it('leaves no tensor behind but what predict returns', async () => {
    const teacher = await build({ path: 'model.json', layers: ['hidden/Relu'] });
    const inputs = tf.tensor2d(expected.inputs);
    const ids = tf.tensor1d([0, 1, 2], 'int32');
    const before = tf.memory().numTensors;
    const out = await teacher.predict({ inputs, sampleIds: ids }, ['hidden/Relu']);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([out.logits!, ...Object.values(out.features), inputs, ids]);
    teacher.dispose!();
  });
});
