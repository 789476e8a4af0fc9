// `distill validate` builds what `run` builds before training, so `ok` means the run will start: a `tfjs-model`
// teacher that is missing, corrupt, or shaped for other data, and a dataset plugin that breaks the dataset contract
// (labels out of range, an empty training split, too few features, non-finite features) are refused by validate,
// at the section's place in the manifest, with the same message `run` gives — and `run` leaves no run behind.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModelFiles } from '@distill/core';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const models = mkdtempSync(join(tmpdir(), 'validate-models-'));

/** A dense model from `inputs` features to `classes` logits, saved as model.json + weights.bin. */
async function saveDense(name: string, inputs: number, classes: number): Promise<string> {
  const input = tf.input({ shape: [inputs] });
  const logits = tf.layers.dense({ units: classes, name: 'logits' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits });
  await saveModelFiles(model, join(models, name));
  model.dispose();
  return join(models, name);
}

beforeAll(async () => {
  // The synthetic dataset of smallExperiment: 12 features, 4 classes.
  await saveDense('good', 12, 4);
  await saveDense('three-classes', 12, 3);
  await saveDense('ten-features', 10, 4);
  mkdirSync(join(models, 'corrupt'));
  writeFileSync(join(models, 'corrupt', 'model.json'), '{"modelTopology": {"class_name": "Mod');
});

/** validate and run on the same manifest: both refuse with exit 2 and the same message, and run makes no run. */
async function refusedAlike(manifest: string): Promise<string> {
  const validated = await runCli(['validate', manifest]);
  expect(validated.stdout).toBe('');
  expect(validated.code).toBe(2);
  const out = mkdtempSync(join(tmpdir(), 'validate-builds-runs-'));
  const ran = await runCli(['run', manifest, '--out', out, '--quiet']);
  expect(ran.code).toBe(2);
  expect(ran.stderr).toBe(validated.stderr);
  expect(readdirSync(out)).toEqual([]);
  expect(validated.stderr).not.toMatch(/\n\s+at /);
  return validated.stderr;
}

describe('distill validate on a tfjs-model teacher', () => {
  const withTeacher = (path: string) => writeManifest(smallExperiment({ teacher: { type: 'tfjs-model', params: { path } } }));

  it('says ok for a saved model that fits the data', async () => {
    const result = await runCli(['validate', withTeacher(join(models, 'good'))]);
    expect(result.stdout).toBe('ok: small: synthetic teacher tfjs-model -> student mlp, losses kl-divergence+cross-entropy, 3 epochs\n');
    expect(result.code).toBe(0);
  });

  it('refuses a model with the wrong number of classes, at the teacher', async () => {
    const manifest = withTeacher(join(models, 'three-classes'));
    expect(await refusedAlike(manifest)).toMatch(
      new RegExp(`^${manifest}:\\d+:\\d+: /teacher: the model in .*three-classes outputs 3 values per sample, but the dataset has 4 classes\\n$`),
    );
  });

  it('refuses a model for inputs of another width', async () => {
    const manifest = withTeacher(join(models, 'ten-features'));
    expect(await refusedAlike(manifest)).toMatch(/: \/teacher: the model in .*ten-features takes inputs of shape \[10\], but the dataset's samples have shape \[12\]\n$/);
  });

  it('refuses a missing model and a corrupt one', async () => {
    expect(await refusedAlike(withTeacher(join(models, 'absent')))).toMatch(/: \/teacher: .*absent/);
    expect(await refusedAlike(withTeacher(join(models, 'corrupt')))).toMatch(/: \/teacher: .*corrupt.*model\.json/);
  });
});

describe('the dataset contract, checked before training', () => {
  const plugin = join(repoRoot, 'test/fixtures/plugins/faulty-plugins.ts');
  const withDefect = (defect: string) => writeManifest(smallExperiment({ plugins: [plugin], dataset: { type: 'broken-data', params: { defect } } }));
  const cases: [string, RegExp][] = [
    ['label-out-of-range', /\/dataset: dataset plugin "broken-data", train split: sample 17 has label 7, outside \[0, 4\)/],
    ['empty-train', /\/dataset: dataset plugin "broken-data": the train split is empty; there is nothing to train on/],
    ['short-x', /\/dataset: dataset plugin "broken-data", validation split: x holds 95 values, but 8 samples × 12 features need 96/],
    ['nan-feature', /\/dataset: dataset plugin "broken-data", train split: sample 5, feature 3 is NaN; features must be finite numbers/],
  ];
  for (const [defect, message] of cases) {
    it(`refuses ${defect} in validate and run, naming the plugin and the split`, async () => {
      expect(await refusedAlike(withDefect(defect))).toMatch(message);
    });
  }
});
