// Every way a custom plugin can go wrong, through the real CLI: each is one precise message naming the plugin and
// where it came from; mistakes found before a run exit 2 and leave no run behind, contract breaches during a run end
// it as FAILED with exit 1.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const fixture = (file: string) => join(repoRoot, 'test/fixtures/plugins', file);
const shown = (file: string) => relative(repoRoot, file);
const oneStageRun = { teacher: { type: 'mlp', params: { hidden: [16] }, train: { epochs: 1, batchSize: 32 } }, training: { epochs: 1, batchSize: 32, baseline: false } };

/** Runs a small experiment with `overrides`; returns the CLI result and the run's summary, if a run was made. */
async function run(overrides: Record<string, unknown>) {
  const out = mkdtempSync(join(tmpdir(), 'plugin-errors-runs-'));
  const result = await runCli(['run', writeManifest(smallExperiment({ ...oneStageRun, ...overrides })), '--out', out, '--quiet']);
  const runs = readdirSync(out);
  const summary = runs.length === 1 ? (JSON.parse(readFileSync(join(out, runs[0], 'summary.json'), 'utf8')) as { status: string; error: string }) : undefined;
  return { ...result, summary, runs };
}

describe('custom plugins that cannot be loaded', () => {
  it('a module that is not there: the path tried, resolved from the manifest that lists it', async () => {
    const manifest = writeManifest(smallExperiment({ plugins: ['./plugins/gone.ts'] }));
    const result = await runCli(['validate', manifest]);
    expect(result.stderr).toBe(`cannot find plugin module "./plugins/gone.ts": no file ${join(manifest, '..', 'plugins/gone.ts')} (listed in ${manifest})\n`);
    expect(result.code).toBe(2);
  });

  it('a module that throws on import: the plugin file, the cause and where it was thrown', async () => {
    const manifest = writeManifest(smallExperiment({ plugins: [fixture('broken.mjs')] }));
    const result = await runCli(['run', manifest]);
    expect(result.stderr).toBe(
      `cannot load plugin module ${shown(fixture('broken.mjs'))} (listed in ${manifest}): the plugin could not start (at ${shown(fixture('broken.mjs'))}:2:7)\n`,
    );
    expect(result.code).toBe(2);
  });

  it('a TypeScript module that does not parse: the file, line and column', async () => {
    const result = await runCli(['validate', writeManifest(smallExperiment({ plugins: [fixture('syntax-error.ts')] }))]);
    expect(result.stderr).toMatch(/^cannot load plugin module test\/fixtures\/plugins\/syntax-error\.ts \(listed in .*\): syntax error at test\/fixtures\/plugins\/syntax-error\.ts:5:20: Expected .*\n$/);
    expect(result.code).toBe(2);
  });

  it('a module that exports no plugin says what it should export', async () => {
    const result = await runCli(['validate', writeManifest(smallExperiment({ plugins: [fixture('no-plugins.mjs')] }))]);
    expect(result.stderr).toMatch(/^plugin module test\/fixtures\/plugins\/no-plugins\.mjs \(listed in .*\) exports no plugins: export default a ContainerModule made with pluginModule\(\), or export plugin definitions made with definePlugin\(\)\n$/);
    expect(result.code).toBe(2);
  });

  it('an export that is half a plugin names the parts it lacks', async () => {
    const result = await runCli(['validate', writeManifest(smallExperiment({ plugins: [fixture('malformed.mjs')] }))]);
    expect(result.stderr.split('\n')[0]).toMatch(
      /^plugin module test\/fixtures\/plugins\/malformed\.mjs \(listed in .*\): export "default" \(loss "half-made"\) is not a complete plugin definition: missing description, create \(a function\) or implementation \(a class\)$/,
    );
    expect(result.code).toBe(2);
  });

  it('a custom plugin taking a built-in\'s name names both sources', async () => {
    const result = await runCli(['validate', writeManifest(smallExperiment({ plugins: [fixture('kl-divergence-clone.mjs')] }))]);
    expect(result.stderr).toBe(
      'two loss plugins are named "kl-divergence": one from @distill/plugins@0.1.0, one from test/fixtures/plugins/kl-divergence-clone.mjs; rename one of them\n',
    );
    expect(result.code).toBe(2);
  });

  it('a params schema that is not valid JSON Schema names the plugin, its source and the bad keyword (validate, run and schema)', async () => {
    const expected = 'loss plugin "bad-schema" from test/fixtures/plugins/invalid-schema.mjs declares an invalid params schema: paramsSchema/properties/steps/type: must be equal to one of the allowed values (got "integr")\n';
    const manifest = writeManifest(smallExperiment({ plugins: [fixture('invalid-schema.mjs')], losses: [{ type: 'bad-schema' }] }));
    for (const args of [['validate', manifest], ['run', manifest], ['schema', '--plugin', 'test/fixtures/plugins/invalid-schema.mjs']]) {
      const result = await runCli(args);
      expect(result.stderr, args[0]).toBe(expected);
      expect(result.code, args[0]).toBe(2);
    }
  });
});

describe('plugin packages', () => {
  const projects: string[] = [];
  afterAll(() => projects.forEach((root) => rmSync(root, { recursive: true, force: true })));

  /** A project in the repository's tmp/ (so its packages resolve @distill/core) with one package in node_modules. */
  function project(packageJson: Record<string, unknown>): string {
    mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
    const root = mkdtempSync(join(repoRoot, 'tmp', 'plugin-package-'));
    projects.push(root);
    const dir = join(root, 'node_modules', 'acme-distill-losses');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme-distill-losses', version: '1.2.0', type: 'module', main: './dist/main.js', ...packageJson }));
    writeFileSync(join(dir, 'dist', 'main.js'), "throw new Error('only the declared plugin module may be imported');\n");
    writeFileSync(
      join(dir, 'dist', 'plugins.js'),
      [
        "import { definePlugin } from '@distill/core';",
        "export const logitNorm = definePlugin({ kind: 'loss', name: 'logit-norm', description: 'Mean squared logit', paramsSchema: { type: 'object', properties: { scale: { type: 'number', default: 1 } }, additionalProperties: false },",
        '  create: (params) => ({ requires: {}, compute: ({ studentLogits }) => studentLogits.square().mean().mul(params.scale) }) });',
        '',
      ].join('\n'),
    );
    mkdirSync(join(root, 'experiments'));
    return root;
  }

  it('a package that declares "distill": { "plugins": … } is found by name from the manifest\'s directory and only that module is imported', async () => {
    const root = project({ distill: { plugins: './dist/plugins.js' } });
    const manifest = join(root, 'experiments', 'manifest.json');
    writeFileSync(manifest, JSON.stringify(smallExperiment({ plugins: ['acme-distill-losses'], losses: [{ type: 'cross-entropy' }, { type: 'logit-norm', params: { scale: 0.01 } }] })));
    const listed = await runCli(['plugins', '--kind', 'loss', '--manifest', manifest]);
    expect(listed.stdout).toContain('  logit-norm - Mean squared logit [acme-distill-losses@1.2.0]\n');
    const out = mkdtempSync(join(tmpdir(), 'plugin-package-runs-'));
    const result = await runCli(['run', manifest, '--set', 'training.epochs=1', '--set', 'teacher.train.epochs=1', '--set', 'training.baseline=false', '--out', out, '--quiet', '--json']);
    expect(result.code).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    expect(readFileSync(join(out, runId, 'metrics.jsonl'), 'utf8')).toContain('"key":"student/train/loss/logit-norm"');
  });

  it('an installed package that does not declare itself a plugin package is refused, and none of its code runs', async () => {
    const root = project({});
    const manifest = join(root, 'experiments', 'manifest.json');
    writeFileSync(manifest, JSON.stringify(smallExperiment({ plugins: ['acme-distill-losses'] })));
    const result = await runCli(['validate', manifest]);
    expect(result.stderr).toBe(
      `package "acme-distill-losses" (${shown(join(root, 'node_modules/acme-distill-losses'))}, listed in ${shown(manifest)}) is not a distill plugin package: its package.json has no "distill": { "plugins": "<module>" } entry\n`,
    );
    expect(result.code).toBe(2);
  });
});

describe('custom plugins that break their contract at run time', () => {
  it('a loss returning a non-scalar fails the run naming the plugin and the step (exit 1, FAILED)', async () => {
    const result = await run({ plugins: [fixture('faulty-plugins.ts')], losses: [{ type: 'vector-loss' }] });
    const message = 'loss "vector-loss" (plugin vector-loss) at step 0 returned a tensor of shape [32]; it must return a scalar (reduce it with .mean() or .sum())';
    expect(result.stderr).toContain(`run FAILED: ${message}\n`);
    expect(result.summary).toMatchObject({ status: 'FAILED', error: message });
    expect(result.code).toBe(1);
  });

  it('a loss returning an int32 tensor fails the run naming the plugin and the step', async () => {
    const result = await run({ plugins: [fixture('faulty-plugins.ts')], losses: [{ type: 'int-loss' }] });
    expect(result.summary).toMatchObject({ status: 'FAILED', error: 'loss "int-loss" (plugin int-loss) at step 0 returned a tensor of dtype int32; it must be float32' });
    expect(result.code).toBe(1);
  });

  it('a loss going NaN fails the run naming the term, its plugin and the step', async () => {
    const result = await run({ plugins: [fixture('faulty-plugins.ts')], losses: [{ type: 'cross-entropy' }, { type: 'nan-loss', name: 'poison' }] });
    const message = 'student stage: loss term "poison" (plugin nan-loss) is NaN at step 2 (epoch 1); lower the learning rate or check the loss';
    expect(result.stderr).toContain(`run FAILED: ${message}\n`);
    expect(result.summary).toMatchObject({ status: 'FAILED', error: message });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(1);
  });

  it('a model whose logits do not match the number of classes is refused before training, naming the model plugin', async () => {
    const result = await run({ plugins: [fixture('faulty-plugins.ts')], student: { type: 'too-wide' } });
    expect(result.stderr).toMatch(
      /^\S+manifest\.json:\d+:\d+: \/student: the student \(model plugin "too-wide"\) outputs shape \[batch, 5\], but the dataset has 4 classes: it must output logits of shape \[batch, 4\]; hint: size its last layer from context\.dataset\.numClasses\n$/,
    );
    expect(result.runs).toEqual([]);
    expect(result.code).toBe(2);
  });
});

describe('custom plugin params are validated like built-in ones', () => {
  it('a typo in a custom loss\'s param gets the same placed message and did-you-mean as the same typo in a built-in\'s', async () => {
    const plugin = join(repoRoot, 'experiments/custom-plugin/plugins/cosine-hint.ts');
    const text = [
      '{',
      '  "name": "typos",',
      `  "plugins": [${JSON.stringify(plugin)}],`,
      '  "dataset": { "type": "synthetic" },',
      '  "teacher": { "type": "mlp" },',
      '  "student": { "type": "mlp" },',
      '  "losses": [',
      '    { "type": "cosine-hint", "params": { "teacherLayer": "hidden1", "studentLayr": "hidden1" } },',
      '    { "type": "feature-mse", "params": { "teacherLayer": "hidden1", "studentLayr": "hidden1" } },',
      '    { "type": "cosine-hint", "params": { "teacherLayer": "hidden1", "studentLayer": "hidden1", "projection": "linaer" } }',
      '  ],',
      '  "training": { "epochs": 1 }',
      '}',
    ].join('\n');
    const manifest = writeManifest(text);
    const result = await runCli(['validate', manifest]);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `${manifest}:8:40: /losses/0/params: missing required key "studentLayer"`,
      `${manifest}:8:69: /losses/0/params/studentLayr: unknown key "studentLayr"; did you mean "studentLayer"? valid: projection, studentLayer, teacherLayer`,
      `${manifest}:9:40: /losses/1/params: missing required key "studentLayer"`,
      `${manifest}:9:69: /losses/1/params/studentLayr: unknown key "studentLayr"; did you mean "studentLayer"? valid: projection, studentLayer, teacherLayer`,
      `${manifest}:10:110: /losses/2/params/projection: must be one of "linear", "none" (got "linaer")`,
    ]);
    expect(result.code).toBe(2);
  });

  it('a custom loss\'s own check (a layer the teacher lacks) is placed at the param, with its hint', async () => {
    const manifest = writeManifest(
      smallExperiment({
        plugins: [join(repoRoot, 'experiments/custom-plugin/plugins/cosine-hint.ts')],
        losses: [{ type: 'cosine-hint', params: { teacherLayer: 'hiden1', studentLayer: 'hidden1' } }],
      }),
    );
    const result = await runCli(['validate', manifest]);
    expect(result.stderr).toMatch(
      new RegExp(`^${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: /losses/0/params/teacherLayer: the teacher has no layer "hiden1"; its layers are: hidden1, logits; hint: did you mean "hidden1"\\?\n$`),
    );
    expect(result.code).toBe(2);
  });
});
