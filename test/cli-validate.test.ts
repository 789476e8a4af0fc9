// The manifest pipeline through the real, built CLI (`node cli/bin/distill.js`; build first: `npx tsc -b core plugins`):
// `validate`, `schema`, `plugins`, `--help`, `--version`, with the built-in plugins of @distill/plugins.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';

const manifests = 'test/fixtures/manifests';

/** Lines of a stream, without the trailing empty one. */
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('distill validate', () => {
  it('prints ok and a one-line summary for a valid manifest', async () => {
    const result = await runCli(['validate', `${manifests}/valid.json`]);
    expect(result.stdout).toBe('ok: valid: synthetic teacher mlp -> student mlp, losses kl-divergence+cross-entropy, 2 epochs\n');
    expect(result.code).toBe(0);
  });

  it('reports a manifest with five different mistakes as five precise lines and exits 2', async () => {
    const file = `${manifests}/five-mistakes.json`;
    const result = await runCli(['validate', file]);
    expect(lines(result.stderr)).toEqual([
      `${file}:1:1: missing required key "student"`,
      `${file}:6:59: /losses/0/params/temperature: must be > 0 (got -1)`,
      `${file}:7:15: /losses/1/type: unknown loss "kl-divergance"; did you mean "kl-divergence"? valid: attention-transfer, binary-cross-entropy, crd, cross-entropy, dkd, feature-mse, fitnets, kl-divergence, pkt, rkd, similarity-preserving`,
      `${file}:9:62: /optimizer/params/learningRate: must be number (got string "0.01")`,
      `${file}:10:30: /training/shufle: unknown key "shufle"; did you mean "shuffle"? valid: augment, baseline, batchSize, checkpoint, earlyStopping, epochs, evalEvery, shuffle`,
    ]);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it('prints a stack trace only with --debug', async () => {
    const plain = await runCli(['validate', `${manifests}/five-mistakes.json`]);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    const debug = await runCli(['--debug', 'validate', `${manifests}/five-mistakes.json`]);
    expect(debug.stderr).toMatch(/^ManifestError: /m);
    expect(debug.stderr).toMatch(/^\s+at .*validate-manifest\.js/m);
    expect(debug.code).toBe(2);
  });

  it('a missing file, a directory, an empty file, a top-level array, invalid JSON: one line each, exit 2', async () => {
    const cases: [string, string][] = [
      [`${manifests}/missing.json`, `${manifests}/missing.json: no such file`],
      [manifests, `${manifests}: is a directory; expected a manifest file (.json)`],
      [`${manifests}/empty.json`, `${manifests}/empty.json: manifest is empty; expected a JSON object`],
      [`${manifests}/array.json`, `${manifests}/array.json:1:1: manifest must be a JSON object (got an array)`],
      [`${manifests}/trailing-comma.json`, `${manifests}/trailing-comma.json:4:1: invalid JSON: unexpected "}" after ","; JSON does not allow trailing commas`],
      [`${manifests}/valid.json/inner.json`, `${manifests}/valid.json/inner.json: cannot read: a part of the path is a file, not a directory`],
    ];
    for (const [file, expected] of cases) {
      const result = await runCli(['validate', file]);
      expect(result.stderr, file).toBe(`${expected}\n`);
      expect(result.code, file).toBe(2);
    }
  });

  it('shows a manifest outside the working directory by its absolute path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'distill-outside-')), 'missing.json');
    const result = await runCli(['validate', file]);
    expect(result.stderr).toBe(`${file}: no such file\n`);
  });

  it('applies --set overrides before validation', async () => {
    const result = await runCli(['validate', `${manifests}/valid.json`, '--set', 'training.epochs=1', '--set', 'losses.0.type=cross-entropy', '--set', 'losses.0.params={}']);
    expect(result.stdout).toBe('ok: valid: synthetic teacher mlp -> student mlp, losses cross-entropy+cross-entropy, 1 epoch\n');
    expect(result.code).toBe(0);
  });

  it('reports a bad --set at the flag, with the same precise message', async () => {
    const result = await runCli([
      'validate',
      `${manifests}/valid.json`,
      '--set',
      'losses.0.params.temperature=-2',
      '--set',
      'losses.4.weight=1',
      '--set',
      'training.epochs.max=3',
      '--set',
      'seed',
    ]);
    expect(lines(result.stderr)).toEqual([
      '--set losses.0.params.temperature=-2: /losses/0/params/temperature: must be > 0 (got -2)',
      '--set losses.4.weight=1: /losses/4: index 4 is out of range; losses has 2 items',
      '--set training.epochs.max=3: /training/epochs: is number 2; cannot set "max" inside it',
      '--set seed: expected <path>=<value>, e.g. --set training.epochs=3',
    ]);
    expect(result.code).toBe(2);
  });

  it('--print prints the resolved manifest with every default filled in', async () => {
    const result = await runCli(['validate', `${manifests}/valid.json`, '--print']);
    expect(result.code).toBe(0);
    const resolved = JSON.parse(result.stdout);
    expect(resolved).toMatchObject({
      seed: 42,
      backend: 'auto',
      plugins: [],
      description: '',
      training: { epochs: 2, batchSize: 64, shuffle: true, evalEvery: 1, baseline: true },
      teacher: { train: { epochs: 5, batchSize: 64, optimizer: { type: 'adam' }, scheduler: { type: 'constant' } } },
      optimizer: { type: 'adam' },
      scheduler: { type: 'constant' },
      tracking: { type: 'local' },
    });
    expect(typeof resolved.optimizer.params.learningRate).toBe('number');
    expect(resolved.losses[1]).toMatchObject({ type: 'cross-entropy', weight: 0.1 });
    expect(resolved.losses[1].params).toBeTypeOf('object');
  });

  it('runs the plugins\' semantic checks: a feature loss naming a layer the teacher lacks', async () => {
    const file = `${manifests}/feature-layers.json`;
    const result = await runCli(['validate', file]);
    expect(result.stderr).toContain(`${file}:8:58: /losses/1/params/teacherLayer: the teacher has no layer "hidden3"`);
    expect(result.code).toBe(2);
    const fixed = await runCli(['validate', file, '--set', 'losses.1.params.teacherLayer=hidden2']);
    expect(fixed.stdout).toBe('ok: feature-layers: synthetic teacher mlp -> student mlp, losses cross-entropy+feature-mse, 1 epoch\n');
  });

  it('loads the custom plugins a manifest lists (a TypeScript file) and checks params against their schema', async () => {
    const file = `${manifests}/custom-plugin.json`;
    const result = await runCli(['validate', file]);
    expect(result.stderr).toBe(`${file}:7:56: /losses/0/params/margin: must be > 0 (got 0)\n`);
    const fixed = await runCli(['validate', file, '--set', 'losses.0.params.margin=2']);
    expect(fixed.stdout).toBe('ok: custom-plugin: synthetic teacher mlp -> student mlp, losses margin+cross-entropy, 1 epoch\n');
  });

  it('loads --plugin modules relative to the working directory', async () => {
    const result = await runCli(['validate', `${manifests}/valid.json`, '--plugin', 'test/fixtures/plugins/array-default.mjs', '--set', 'losses.1.type=zero']);
    expect(result.stdout).toBe('ok: valid: synthetic teacher mlp -> student mlp, losses kl-divergence+zero, 2 epochs\n');
    const missing = await runCli(['validate', `${manifests}/valid.json`, '--plugin', './nope.mjs']);
    expect(missing.stderr).toBe(`cannot find plugin module "./nope.mjs": no file ${join(repoRoot, 'nope.mjs')} (--plugin)\n`);
    expect(missing.code).toBe(2);
  });

  it('a plugin whose name is taken fails naming both sources', async () => {
    const result = await runCli(['validate', `${manifests}/valid.json`, '--plugin', 'test/fixtures/plugins/array-default.mjs', '--plugin', 'test/fixtures/plugins/duplicate-zero.mjs']);
    expect(result.stderr).toBe(
      'two loss plugins are named "zero": one from test/fixtures/plugins/array-default.mjs, one from test/fixtures/plugins/duplicate-zero.mjs; rename one of them\n',
    );
    expect(result.code).toBe(2);
  });
});

describe('distill schema', () => {
  it('prints the editor schema, and schemas/distill.schema.json is up to date with it (else: npm run generate:schema)', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(repoRoot, 'schemas/distill.schema.json'), 'utf8'));
    const schema = JSON.parse(result.stdout);
    expect(schema.definitions.LossReference.properties.type.enum).toEqual(['attention-transfer', 'binary-cross-entropy', 'crd', 'cross-entropy', 'dkd', 'feature-mse', 'fitnets', 'kl-divergence', 'pkt', 'rkd', 'similarity-preserving']);
    expect(schema.definitions['loss.kl-divergence.params'].properties.temperature).toBeDefined();
  });

  it('--kind and --type print one plugin\'s params schema', async () => {
    const result = await runCli(['schema', '--kind', 'loss', '--type', 'feature-mse']);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'object', required: ['teacherLayer', 'studentLayer'], additionalProperties: false });
    const bare = await runCli(['schema', '--type', 'feature-mse']);
    expect(bare.stdout).toBe(result.stdout);
  });

  it('an unknown --type suggests the nearest name; an unknown --kind lists the choices', async () => {
    const type = await runCli(['schema', '--kind', 'loss', '--type', 'feature-mes']);
    expect(type.stderr).toBe('unknown loss "feature-mes"; did you mean "feature-mse"? valid: attention-transfer, binary-cross-entropy, crd, cross-entropy, dkd, feature-mse, fitnets, kl-divergence, pkt, rkd, similarity-preserving\n');
    expect(type.code).toBe(2);
    const kind = await runCli(['schema', '--kind', 'losses', '--type', 'x']);
    expect(kind.stderr).toContain("argument 'losses' is invalid. Allowed choices are dataset, model, teacher, loss, optimizer, scheduler, tracker, tokenizer, augmentation.");
    expect(kind.code).toBe(2);
  });

  it('--manifest adds the manifest\'s custom plugins; --out writes a file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'distill-schema-')), 'schema.json');
    const result = await runCli(['schema', '--manifest', `${manifests}/custom-plugin.json`, '--out', out]);
    expect(result.stdout).toBe(`wrote ${out}\n`);
    const schema = JSON.parse(readFileSync(out, 'utf8'));
    expect(schema.definitions.LossReference.properties.type.enum).toContain('margin');
    expect(schema.definitions['loss.margin.params'].properties.margin).toEqual({ type: 'number', exclusiveMinimum: 0, default: 1 });
  });
});

describe('distill plugins', () => {
  it('lists every kind with names, descriptions, params and sources', async () => {
    const result = await runCli(['plugins']);
    expect(result.code).toBe(0);
    const headings = lines(result.stdout).filter((line) => /^\w+:$/.test(line));
    expect(headings).toEqual(['dataset:', 'model:', 'teacher:', 'loss:', 'optimizer:', 'scheduler:', 'tracker:', 'tokenizer:', 'augmentation:']);
    expect(result.stdout).toMatch(/^ {2}kl-divergence - .+ \[@distill\/plugins@0\.1\.0\]$/m);
    expect(result.stdout).toMatch(/^ {6}temperature \(number > 0 \| \{schedule, from, to, epochs\}, default \d+\): /m);
    expect(result.stdout).toMatch(/^ {6}teacherLayer \(string, required\): /m);
  });

  it('--kind and --json give the plugins of one kind as data', async () => {
    const result = await runCli(['plugins', '--kind', 'scheduler', '--json']);
    const plugins = JSON.parse(result.stdout) as { kind: string; name: string; source: string; paramsSchema: object }[];
    expect(plugins.map((plugin) => plugin.name)).toEqual(expect.arrayContaining(['constant', 'cosine', 'exponential', 'step']));
    expect(new Set(plugins.map((plugin) => plugin.kind))).toEqual(new Set(['scheduler']));
    expect(plugins.every((plugin) => plugin.source === '@distill/plugins@0.1.0' && typeof plugin.paramsSchema === 'object')).toBe(true);
  });

  it('--manifest includes the manifest\'s custom plugins with their source', async () => {
    const result = await runCli(['plugins', '--kind', 'loss', '--manifest', `${manifests}/custom-plugin.json`]);
    expect(result.stdout).toContain('  margin - A margin loss written in TypeScript [test/fixtures/plugins/typed-plugin.ts]\n      margin (number > 0, default 1)\n');
  });
});

describe('distill --help and --version', () => {
  it('--version prints the version of @distill/core', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'core/package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.code).toBe(0);
  });

  it('--help lists the commands, and every command has its own --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['validate', 'schema', 'plugins']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
      const help = await runCli([command, '--help']);
      expect(help.stdout, command).toContain(`Usage: distill ${command} [options]`);
      expect(help.code, command).toBe(0);
    }
  });

  it('an unknown command or a missing argument exits 2 with a hint', async () => {
    const unknown = await runCli(['valdate', 'x.json']);
    expect(unknown.stderr).toContain("error: unknown command 'valdate'");
    expect(unknown.code).toBe(2);
    const missing = await runCli(['validate']);
    expect(missing.stderr).toContain("error: missing required argument 'manifest'");
    expect(missing.code).toBe(2);
  });
});
