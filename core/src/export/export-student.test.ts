// Export as a deployment sees it: files stock tfjs loads, a weight float16 cannot hold kept in float32 (and said), and
// a quantization that wrecks accuracy reported as collapsed rather than hidden.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/select-backend.js';
import { loadModelFiles } from '../io/model-files.js';
import { saveQuantizedModel } from './quantized-model-files.js';
import { exportStudent } from './export-student.js';
import { inMemorySource } from '../data/in-memory-source.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 4 inputs → 3 classes; input 3 is always 0 in the data, so a weight on it changes nothing in float32. */
function model(outlier: number): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, name: 'logits' })] });
  const kernel = tf.tensor2d([[0.3, -0.2, 0.1], [-0.1, 0.25, -0.3], [0.2, 0.1, 0.35], [outlier, 0, 0]]);
  m.layers[0].setWeights([kernel, tf.tensor1d([0.01, -0.02, 0.03])]);
  kernel.dispose();
  return m;
}

function split(m: tf.LayersModel) {
  const count = 60;
  const x = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) for (let j = 0; j < 3; j++) x[i * 4 + j] = Math.sin(i * 7.3 + j * 1.7);
  const labels = tf.tidy(() => (m.predict(tf.tensor2d(x, [count, 4])) as tf.Tensor).argMax(1).dataSync());
  return { x, y: Int32Array.from(labels), count };
}

describe('saveQuantizedModel', () => {
  it('keeps a weight float16 cannot hold in float32, names its layer, and stock tfjs loads the mix', async () => {
    const m = model(1e6);
    const dir = mkdtempSync(join(tmpdir(), 'distill-export-'));
    const written = await saveQuantizedModel(m, dir, 'float16');
    expect(written.fallbacks).toEqual([{ weight: 'logits/kernel', layer: 'logits', reason: expect.stringMatching(/exceeds float16's maximum/) }]);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const entries = json.weightsManifest[0].weights;
    expect(entries.map((e: { name: string; quantization?: unknown }) => [e.name, e.quantization ?? null])).toEqual([['logits/kernel', null], ['logits/bias', { dtype: 'float16' }]]);
    expect(written.weightBytes).toBe(12 * 4 + 3 * 2);
    expect(json.userDefinedMetadata.distill.float32Weights[0].layer).toBe('logits');
    const loaded = await loadModelFiles(dir);
    expect(Array.from(loaded.getWeights()[0].dataSync())).toEqual(Array.from(m.getWeights()[0].dataSync()));
    loaded.dispose();
    m.dispose();
  });
});

describe('exportStudent', () => {
  it('reports a uint8 export that collapses accuracy (one outlier weight takes the whole range), with a warning', async () => {
    const m = model(1000);
    const test = split(m);
    const warnings: string[] = [];
    const runDir = mkdtempSync(join(tmpdir(), 'distill-export-'));
    const before = tf.memory().numTensors;
    const outcome = await exportStudent({
      student: m, test: inMemorySource(test), layout: { inputShape: [4], inputDtype: 'float32', numClasses: 3, task: 'multiclass' }, runDir, settings: { quantize: ['uint8', 'float16'], maxAccuracyDrop: 0.05 },
      log: { info: () => undefined, warn: (message) => warnings.push(message) },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(outcome.metrics['export/float16/test/accuracy']).toBe(1);
    expect(outcome.metrics['export/float16/collapsed']).toBe(0);
    expect(outcome.metrics['export/uint8/test/accuracy']).toBeLessThan(0.95);
    expect(outcome.metrics['export/uint8/accuracyDrop']).toBeCloseTo(1 - outcome.metrics['export/uint8/test/accuracy'], 12);
    expect(outcome.metrics['export/uint8/collapsed']).toBe(1);
    expect(outcome.metrics['deployed/test/accuracy']).toBe(outcome.metrics['export/uint8/test/accuracy']);
    expect(warnings).toEqual([expect.stringMatching(/^export uint8: test accuracy .* below the float32 student's 100\.00% .*collapses/)]);
    const report = JSON.parse(readFileSync(join(runDir, 'export', 'export.json'), 'utf8'));
    expect(report.variants.map((v: { mode: string; collapsed: boolean }) => [v.mode, v.collapsed])).toEqual([['uint8', true], ['float16', false]]);
    expect(outcome.metrics['export/uint8/weightBytes']).toBe(15);
    m.dispose();
  });
});
