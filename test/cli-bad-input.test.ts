// Hostile or mistaken input through the real CLI, each refused (exit 2) or reported precisely: a manifest nested
// 3,000 levels deep, a byte-order mark, a NUL byte, a number too large for a double, negative and all-zero loss
// weights; a loss whose compute throws fails the run naming the stage, plugin and step; labelsPerClass above a class's
// pool and a TPE sweep that never leaves its random startup are warned about.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);
const oneEpoch = { teacher: { type: 'mlp', params: { hidden: [16] }, train: { epochs: 1, batchSize: 32 } }, training: { epochs: 1, batchSize: 32, baseline: false } };

describe('manifests that would crash or mislead a parser', () => {
  it('a manifest nested 3,000 levels deep: exit 2 at the place it goes too deep, in validate and run', async () => {
    const text = json(smallExperiment()).replace('"description": "synthetic clusters, for tests"', `"description": ${'['.repeat(3000)}${']'.repeat(3000)}`);
    const manifest = writeManifest(text);
    for (const command of ['validate', 'run']) {
      const result = await runCli([command, manifest]);
      expect(result.stderr).toMatch(new RegExp(`^${manifest}:3:\\d+: nested more than 100 levels deep; a manifest needs a handful\\n$`));
      expect(result.code).toBe(2);
    }
  });

  it('a byte-order mark and a NUL byte are named with their place', async () => {
    const bom = writeManifest(`\ufeff${json(smallExperiment())}`);
    expect((await runCli(['validate', bom])).stderr).toBe(`${bom}:1:1: U+FEFF byte-order mark at 1:1; save the file as UTF-8 without a BOM\n`);
    const nul = writeManifest(json(smallExperiment()).replace('"small"', '"sm\u0000all"'));
    const result = await runCli(['validate', nul]);
    expect(result.stderr).toBe(`${nul}:2:14: U+0000 NUL byte at 2:14; remove it, or write it as an escape (\\u0000) inside a string\n`);
    expect(result.code).toBe(2);
  });

  it('1e400 is a number out of range, in the file and in --set', async () => {
    const manifest = writeManifest(json(smallExperiment()).replace('"epochs": 3', '"epochs": 1e400'));
    const inFile = await runCli(['validate', manifest]);
    expect(inFile.stderr).toMatch(new RegExp(`^${manifest}:\\d+:\\d+: the number 1e400 is out of range \\(beyond ±1\\.8e\\+308\\)\\n$`));
    expect(inFile.code).toBe(2);
    const inFlag = await runCli(['validate', writeManifest(smallExperiment()), '--set', 'training.epochs=1e400']);
    expect(inFlag.stderr).toBe('--set training.epochs=1e400: /training/epochs: must be integer (got number Infinity (out of range))\n');
    expect(inFlag.code).toBe(2);
  });
});

describe('loss weights and settings that make an experiment meaningless or surprising', () => {
  it('a negative weight is refused at its place; so are weights that are all zero', async () => {
    const negative = writeManifest(smallExperiment({ losses: [{ type: 'kl-divergence', weight: 1 }, { type: 'cross-entropy', weight: { schedule: 'linear', from: 0.5, to: -0.5 } }] }));
    const refused = await runCli(['validate', negative]);
    expect(refused.stderr).toMatch(/^\S+:\d+:\d+: \/losses\/1\/weight: a negative weight \(-0\.5\) maximises the term: the objective has no minimum and training diverges; hint: use a positive weight, or 0 to switch the term off\n$/);
    expect(refused.code).toBe(2);
    const zero = writeManifest(smallExperiment({ losses: [{ type: 'kl-divergence', weight: 0 }, { type: 'cross-entropy', weight: 0 }] }));
    const allZero = await runCli(['validate', zero]);
    expect(allZero.stderr).toMatch(/: \/losses: every loss weight is 0: the student's objective is constant and it would not learn/);
    expect(allZero.code).toBe(2);
    const oneOff = await runCli(['validate', writeManifest(smallExperiment({ losses: [{ type: 'kl-divergence', weight: 1 }, { type: 'cross-entropy', weight: 0 }] }))]);
    expect(oneOff.code).toBe(0);
  });

  it('labelsPerClass above what a class has is warned about, and validate still says ok', async () => {
    const manifest = writeManifest(smallExperiment({ dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 40, labelsPerClass: 60 } } }));
    const result = await runCli(['validate', manifest]);
    expect(result.stdout).toMatch(/^ok: /);
    expect(result.stderr).toMatch(/^warning: \/dataset\/params\/labelsPerClass: 60 is more than the training pool has of 4 classes: 0 \(\d+\), 1 \(\d+\), 2 \(\d+\), 3 \(\d+\); every sample of those keeps its label/);
    expect(result.code).toBe(0);
  });

  it('a TPE sweep whose budget is within its startup trials says at its start that it is random search', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tpe-caveat-'));
    const manifest = writeManifest({ ...smallExperiment(oneEpoch), sweep: { method: 'tpe', runCap: 1, parameters: { 'optimizer.params.learningRate': { distribution: 'log_uniform', min: 0.001, max: 0.1 } } } });
    const result = await runCli(['sweep', manifest, '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cache-')) } });
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(
      'warning: tpe: runCap 1 is not above tpe.startupTrials 10, so every trial is a random startup sample: this sweep is pure random search (raise runCap above 10, or lower tpe.startupTrials)',
    );
  });
});

describe('a loss whose compute throws', () => {
  it('fails the run naming the stage, the plugin and the step (exit 1, FAILED)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'throwing-loss-'));
    const plugin = join(repoRoot, 'test/fixtures/plugins/faulty-plugins.ts');
    const manifest = writeManifest(smallExperiment({ ...oneEpoch, plugins: [plugin], losses: [{ type: 'cross-entropy' }, { type: 'throwing-loss', name: 'hint' }] }));
    const result = await runCli(['run', manifest, '--out', out, '--quiet']);
    const message = 'student stage: loss "hint" (plugin throwing-loss) at step 1 (epoch 1) threw TypeError: cannot read the hint tensor';
    expect(result.stderr).toContain(`run FAILED: ${message}\n`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(1);
    const [runId] = readdirSync(out);
    expect(JSON.parse(readFileSync(join(out, runId, 'summary.json'), 'utf8'))).toMatchObject({ status: 'FAILED', error: message });
  });
});
