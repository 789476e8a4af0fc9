// The distillation methods through the real binary: every example under experiments/methods/ validates; `distill
// validate` refuses what a method cannot do (attention maps of different sizes, a conv connector on a dense layer, crd
// on a dataset without stable ids, a layer that does not exist) at its place in the manifest; a method's non-finite
// loss stops the run naming it; and attention transfer and crd run end to end on a small MNIST split.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const methodsDir = join(repoRoot, 'experiments/methods');
const examples = readdirSync(methodsDir).filter((file) => file.endsWith('.json'));
const example = (name: string) => JSON.parse(readFileSync(join(methodsDir, `${name}.json`), 'utf8')) as Record<string, any>;
/** Small and quick: a tenth of the MNIST pool for training, one epoch each, no baseline. */
const tiny = ['--set', 'dataset.params.validationFraction=0.9', '--set', 'training.epochs=1', '--set', 'teacher.train.epochs=1', '--set', 'training.baseline=false'];

describe('the method examples', () => {
  it('cover every method', () => {
    expect(examples.sort()).toEqual(['attention-transfer.json', 'crd.json', 'dkd.json', 'fitnets.json', 'logit-standardization.json', 'pkt.json', 'rkd.json', 'similarity-preserving.json']);
  });

  for (const file of examples) {
    it(`${file} validates`, async () => {
      const result = await runCli(['validate', `experiments/methods/${file}`]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^ok: /);
      expect(result.code).toBe(0);
    });
  }
});

describe('distill validate refuses what a method cannot do', () => {
  it('attention maps of different spatial sizes, at the pair, naming both shapes and the fix', async () => {
    const manifest = example('attention-transfer');
    manifest.losses[2].params.pairs[1].teacherLayer = 'block1';
    const result = await runCli(['validate', writeManifest(manifest)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/manifest\.json:\d+:\d+: \/losses\/2\/params\/pairs\/1: attention maps of student layer "conv2" \[14, 14, 16\] and teacher layer "block1" \[28, 28, 8\] differ in spatial size/);
    expect(result.stderr).toContain('hint: pair layers of the same height and width');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a conv connector on dense layers, at the connector, suggesting "linear"', async () => {
    const manifest = smallExperiment({ losses: [{ type: 'fitnets', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', connector: 'conv-bn' } }] });
    const result = await runCli(['validate', writeManifest(manifest)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/losses\/0\/params\/connector: the "conv-bn" connector maps conv maps .* but student layer "hidden1" \[8\] and teacher layer "hidden1" \[64\] are not both conv maps/);
    expect(result.stderr).toContain('hint: use "connector": "linear"');
  });

  it('crd on a dataset whose sample ids are not stable', async () => {
    const manifest = smallExperiment({
      dataset: { type: 'unstable-ids' },
      losses: [{ type: 'crd', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', negatives: 8 } }],
    });
    const result = await runCli(['validate', writeManifest(manifest), '--plugin', join(repoRoot, 'test/fixtures/plugins/unstable-ids.mjs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/losses\/0\/params: crd keeps a memory bank row per sample id, but the dataset says its sample ids are not stable/);
    expect(result.stderr).toContain('hint: give the dataset stable ids');
  });

  it('a layer the model does not have, at the param, with the nearest name', async () => {
    const manifest = smallExperiment({ losses: [{ type: 'pkt', params: { teacherLayer: 'hiden1', studentLayer: 'hidden1' } }] });
    const result = await runCli(['validate', writeManifest(manifest)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/losses\/0\/params\/teacherLayer: the teacher has no layer "hiden1"; its layers are: hidden1, logits; hint: did you mean "hidden1"\?/);
  });
});

describe('a method in a run', () => {
  it('a non-finite method loss stops the run, naming the method and the step', async () => {
    const manifest = smallExperiment({
      losses: [{ type: 'rkd', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1' } }],
      optimizer: { type: 'sgd', params: { learningRate: 1e30 } },
      training: { epochs: 2, batchSize: 32, baseline: false },
    });
    const result = await runCli(['run', writeManifest(manifest), '--quiet', '--out', mkdtempSync(join(tmpdir(), 'distill-methods-'))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/student stage: loss term "rkd" is NaN at step \d+ \(epoch 1\)/);
  });

  it('attention transfer trains a CNN student from a ResNet teacher end to end', async () => {
    const out = mkdtempSync(join(tmpdir(), 'distill-methods-'));
    const result = await runCli(['run', 'experiments/methods/attention-transfer.json', ...tiny, '--quiet', '--json', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; metrics: Record<string, number> };
    expect(summary.status).toBe('FINISHED');
    expect(summary.metrics['student/test/accuracy']).toBeGreaterThan(0);
    expect(summary.metrics['student/val/loss']).toSatisfy(Number.isFinite);
  }, 420_000);

  it('crd trains and saves its embedding heads and memory banks, the banks updated to unit rows', async () => {
    const out = mkdtempSync(join(tmpdir(), 'distill-methods-'));
    const result = await runCli(['run', 'experiments/methods/crd.json', ...tiny, '--quiet', '--json', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { runId: string; status: string };
    expect(summary.status).toBe('FINISHED');
    const dir = join(out, summary.runId, 'student');
    const manifest = JSON.parse(readFileSync(join(dir, 'loss-variables.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const weights = manifest.weightsManifest[0].weights;
    expect(weights.map((w) => w.name)).toEqual(['student-head/kernel', 'student-head/bias', 'teacher-head/kernel', 'teacher-head/bias', 'student-bank', 'teacher-bank', 'normalizers'].map((n) => `crd/crd/${n}`));
    // The student's flattened last block (7·7·16) and the teacher's pooled features (32 at width 0.5), into 64 dimensions.
    expect(weights[0].shape).toEqual([784, 64]);
    expect(weights[2].shape).toEqual([32, 64]);
    const rows = weights[4].shape[0];
    expect(weights[4].shape).toEqual([rows, 64]);
    // One epoch visits every training sample: every row of both banks has been moved and renormalised. The initial
    // rows (uniform in ±√(3/64)) have norms spread around 1 (σ ≈ 0.06): all but a few would be further than 1e-4 from it.
    const values = new Float32Array(readFileSync(join(dir, 'loss-variables.bin')).buffer.slice(0));
    const offset = 784 * 64 + 64 + 32 * 64 + 64;
    const norms = Array.from({ length: 2 * rows }, (_, r) => Math.hypot(...values.subarray(offset + r * 64, offset + (r + 1) * 64)));
    expect(norms.filter((n) => Math.abs(n - 1) > 1e-4)).toEqual([]);
    const [zStudent, zTeacher] = values.subarray(offset + 2 * rows * 64);
    expect(zStudent).toBeGreaterThan(0);
    expect(zTeacher).toBeGreaterThan(0);
  }, 420_000);
});
