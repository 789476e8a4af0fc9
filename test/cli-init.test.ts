// `distill init` through the real CLI, tried as a new user would: scaffold plugins of every kind and check their tests
// pass and their code type-checks; start an experiment from quickstart, add a scaffolded loss, get editor completion
// for it, run it and find its loss logged; a typo in its params is reported like a built-in's; start a project of one's
// own and add to it from inside, never writing into distill's own packages.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';

const KINDS = ['dataset', 'model', 'teacher', 'loss', 'optimizer', 'scheduler', 'tracker', 'tokenizer', 'augmentation'];
const projects: string[] = [];

/** A user's project folder inside the repository's tmp/, so `@distill/core` and `@tensorflow/tfjs` resolve as installed. */
function userProject(): string {
  mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'tmp', 'init-'));
  projects.push(dir);
  return dir;
}

afterAll(() => projects.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs vitest as a user would in their project (its own config, not this workspace's) and returns its plain output. */
function userVitest(project: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project], { encoding: 'utf8', env: { ...env, NO_COLOR: '1', CI: '1' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}

describe('distill init plugin', () => {
  it('writes a plugin and a test for every kind; the tests pass under vitest and the code type-checks', async () => {
    const project = userProject();
    for (const kind of KINDS) {
      const result = await runCli(['init', 'plugin', '--kind', kind, '--name', `my-${kind}`, '--dir', 'plugins'], { cwd: project });
      expect(result.stdout, kind).toMatch(new RegExp(`^wrote plugins/my-${kind}\\.ts\\nwrote plugins/my-${kind}\\.test\\.ts\\n`));
      expect(result.code, kind).toBe(0);
    }
    // The user's own project: a vitest config of its own, and a tsconfig for an editor.
    writeFileSync(join(project, 'vitest.config.mjs'), 'export default {};\n');
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['plugins/*.ts'] }),
    );
    const vitest = userVitest(project);
    expect(vitest.output).toMatch(/Test Files {2}9 passed \(9\)/);
    expect(vitest.status).toBe(0);
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('the scaffolded test fails when the plugin is wrong: it really computes with the plugin', async () => {
    const project = userProject();
    await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'soft-mse', '--dir', '.'], { cwd: project });
    writeFileSync(join(project, 'vitest.config.mjs'), 'export default {};\n');
    const file = join(project, 'soft-mse.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('.sum(1).mean()', '.mean()'));
    const vitest = userVitest(project);
    expect(vitest.output).toMatch(/Tests {2}1 failed \| 2 passed/);
    expect(vitest.output).toContain('averages over the batch the squared distance of the softened probabilities');
    expect(vitest.status).toBe(1);
  });

  it('refuses to overwrite, a name that is not lower-case-dashes, and a kind that does not exist (exit 2)', async () => {
    const project = userProject();
    await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'soft-mse'], { cwd: project });
    const again = await runCli(['init', 'plugin', '--kind', 'model', '--name', 'soft-mse'], { cwd: project });
    expect(again.stderr).toBe('plugins/soft-mse.ts and plugins/soft-mse.test.ts already exist; choose another name or directory, or pass --force to overwrite\n');
    expect(again.code).toBe(2);
    const forced = await runCli(['init', 'plugin', '--kind', 'model', '--name', 'soft-mse', '--force'], { cwd: project });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(project, 'plugins/soft-mse.ts'), 'utf8')).toContain("kind: 'model'");
    const badName = await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'SoftMSE'], { cwd: project });
    expect(badName.stderr).toBe('plugin name "SoftMSE" must be lower-case words joined by dashes, starting with a letter (e.g. cosine-hint)\n');
    expect(badName.code).toBe(2);
    const badKind = await runCli(['init', 'plugin', '--kind', 'metric', '--name', 'x'], { cwd: project });
    expect(badKind.stderr).toContain("argument 'metric' is invalid. Allowed choices are dataset, model, teacher, loss, optimizer, scheduler, tracker, tokenizer, augmentation.");
    expect(badKind.code).toBe(2);
  });
});

describe('distill init experiment', () => {
  it('writes quickstart with $schema pointing at the editor schema core ships, from where the manifest is, named after the file', async () => {
    const project = userProject();
    const result = await runCli(['init', 'experiment', '--out', 'experiments/my-kd.json'], { cwd: project });
    expect(result.stdout).toBe('wrote experiments/my-kd.json\nnext: distill validate experiments/my-kd.json, then distill run experiments/my-kd.json\n');
    const file = join(project, 'experiments/my-kd.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const quickstart = JSON.parse(readFileSync(join(repoRoot, 'experiments/quickstart.json'), 'utf8'));
    expect(Object.keys(manifest)[0]).toBe('$schema');
    const shipped = join(repoRoot, 'core/dist/bundled/schemas/distill.schema.json');
    expect(resolve(dirname(file), manifest.$schema)).toBe(shipped);
    expect(manifest.$schema).toBe(relative(dirname(file), shipped));
    expect(readFileSync(shipped, 'utf8')).toBe(readFileSync(join(repoRoot, 'schemas/distill.schema.json'), 'utf8'));
    expect({ ...manifest, $schema: undefined, name: undefined }).toEqual({ ...quickstart, $schema: undefined, name: undefined });
    expect(manifest.name).toBe('my-kd');
    expect((await runCli(['validate', file])).code).toBe(0);
  });

  it('copies a manifest file, moving its plugin paths with it; refuses an unknown example with a did-you-mean', async () => {
    const project = userProject();
    const result = await runCli(['init', 'experiment', '--from', join(repoRoot, 'experiments/custom-plugin/manifest.json'), '--out', 'copy.json'], { cwd: project });
    expect(result.code).toBe(0);
    const copy = JSON.parse(readFileSync(join(project, 'copy.json'), 'utf8'));
    expect(copy.plugins.map((path: string) => resolve(project, path))).toEqual(
      ['jsonl-records.ts', 'cosine-hint.ts'].map((file) => join(repoRoot, 'experiments/custom-plugin/plugins', file)),
    );
    const unknown = await runCli(['init', 'experiment', '--from', 'quickstrat'], { cwd: project });
    expect(unknown.stderr).toMatch(/^--from quickstrat: no such example; did you mean "quickstart"\? valid: .*quickstart.* \(or give a manifest file\)\n$/);
    expect(unknown.code).toBe(2);
    expect(existsSync(join(project, 'experiment.json'))).toBe(false);
  });
});

describe('a new user writes a loss (the walk-through of docs/write-a-plugin.md)', () => {
  it('scaffold, add it to a copy of quickstart, get its params in the editor schema, run it, find its loss; a typo is placed', async () => {
    const project = userProject();
    expect((await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'soft-mse', '--dir', 'experiments/plugins'], { cwd: project })).code).toBe(0);
    expect((await runCli(['init', 'experiment', '--from', 'quickstart', '--out', 'experiments/my-kd.json'], { cwd: project })).code).toBe(0);
    const file = join(project, 'experiments/my-kd.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.plugins = ['./plugins/soft-mse.ts'];
    manifest.losses.push({ type: 'soft-mse', params: { temperature: 2 }, weight: 0.5 });
    manifest.$schema = './my-kd.schema.json';
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);

    const schema = await runCli(['schema', '--manifest', 'experiments/my-kd.json', '--out', 'experiments/my-kd.schema.json'], { cwd: project });
    expect(schema.stdout).toBe('wrote experiments/my-kd.schema.json\n');
    const written = JSON.parse(readFileSync(join(project, 'experiments/my-kd.schema.json'), 'utf8'));
    expect(written.definitions.LossReference.properties.type.enum).toContain('soft-mse');
    expect(written.definitions['loss.soft-mse.params'].properties.temperature).toMatchObject({ type: 'number', exclusiveMinimum: 0, default: 2 });

    const out = mkdtempSync(join(tmpdir(), 'init-runs-'));
    const run = await runCli(
      ['run', 'experiments/my-kd.json', '--set', 'training.epochs=1', '--set', 'teacher.train.epochs=1', '--set', 'training.baseline=false', '--out', out, '--quiet', '--json'],
      { cwd: project },
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { runId: string; status: string; stages: Record<string, { steps: number }> };
    expect(summary.status).toBe('FINISHED');
    const points = readFileSync(join(out, summary.runId, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; step: number; value: number });
    const logged = points.filter((point) => point.key === 'student/train/loss/soft-mse');
    expect(logged.map((point) => point.step)).toEqual(Array.from({ length: summary.stages.student.steps }, (_, step) => step));
    expect(logged.every((point) => Number.isFinite(point.value) && point.value >= 0)).toBe(true);

    const typo = await runCli(['validate', 'experiments/my-kd.json', '--set', 'losses.2.params={"temprature":2}'], { cwd: project });
    expect(typo.stderr).toBe('--set losses.2.params={"temprature":2}: /losses/2/params/temprature: unknown key "temprature"; did you mean "temperature"? valid: temperature\n');
    expect(typo.code).toBe(2);
    const builtin = await runCli(['validate', 'experiments/my-kd.json', '--set', 'losses.0.params={"temprature":2}'], { cwd: project });
    expect(builtin.stderr).toBe(
      '--set losses.0.params={"temprature":2}: /losses/0/params/temprature: unknown key "temprature"; did you mean "temperature"? valid: aggregate, scaleByTemperatureSquared, standardize, teachers, temperature\n',
    );
  });
});

describe('distill init project', () => {
  const corePackage = JSON.parse(readFileSync(join(repoRoot, 'core/package.json'), 'utf8')) as { version: string; peerDependencies: Record<string, string> };

  it('writes a standalone ESM project whose example manifest names the project\'s own editor schema, with its plugin', async () => {
    const parent = userProject();
    const result = await runCli(['init', 'project', 'my-kd'], { cwd: parent });
    const files = ['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'experiments/example.json', 'distill.schema.json', 'plugins/feature-cosine.ts', 'plugins/feature-cosine.test.ts'];
    expect(result.stdout).toBe(
      [...files.map((file) => `wrote my-kd/${file}`), '', 'next steps:', '  cd my-kd', '  npm install', "  npm test            # the example plugin's tests", '  npm run run         # the example experiment, experiments/example.json', ''].join('\n'),
    );
    expect(result.code).toBe(0);
    const project = join(parent, 'my-kd');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-kd', type: 'module', private: true });
    expect(pkg.scripts).toMatchObject({ run: 'distill run experiments/example.json', validate: 'distill validate experiments/example.json', test: 'vitest run', typecheck: 'tsc' });
    expect(pkg.dependencies).toEqual({ '@distill/cli': `^${corePackage.version}`, '@distill/core': `^${corePackage.version}`, '@tensorflow/tfjs': corePackage.peerDependencies['@tensorflow/tfjs'] });
    expect(JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({ strict: true, module: 'nodenext', noEmit: true });
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'runs/']));
    const manifest = JSON.parse(readFileSync(join(project, 'experiments/example.json'), 'utf8'));
    expect(manifest.$schema).toBe('../distill.schema.json');
    expect(manifest.plugins).toEqual(['../plugins/feature-cosine.ts']);

    // The schema written before anything is installed is what `npm run schema` (distill schema --manifest) writes.
    const written = readFileSync(join(project, 'distill.schema.json'), 'utf8');
    const regenerated = await runCli(['schema', '--manifest', 'experiments/example.json'], { cwd: project });
    expect(regenerated.stdout).toBe(written);
    expect(JSON.parse(written).definitions['loss.feature-cosine.params'].required).toEqual(['teacherLayer', 'studentLayer']);
    const validate = await runCli(['validate', 'experiments/example.json'], { cwd: project });
    expect(validate.stdout).toBe('ok: example: synthetic teacher mlp -> student mlp, losses kl-divergence+feature-cosine+cross-entropy, 8 epochs\n');

    const again = await runCli(['init', 'project', 'my-kd'], { cwd: parent });
    expect(again.stderr).toMatch(/^my-kd\/package\.json and .* already exist; choose another name or directory, or pass --force to overwrite\n$/);
    expect(again.code).toBe(2);
  });

  it('inside a project, init plugin and init experiment write into it, and the printed plugin path works from the manifest', async () => {
    const parent = userProject();
    await runCli(['init', 'project', 'my-kd'], { cwd: parent });
    const project = join(parent, 'my-kd');
    const plugin = await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'soft-mse'], { cwd: join(project, 'experiments') });
    expect(plugin.stdout).toContain(`wrote ${join(project, 'plugins/soft-mse.ts')}\nwrote ${join(project, 'plugins/soft-mse.test.ts')}\n`);
    expect(plugin.stdout).toContain('"plugins": ["../plugins/soft-mse.ts"]   (for a manifest in this directory)\n');
    expect(plugin.stdout).toContain('npm run schema');
    const experiment = await runCli(['init', 'experiment', '--from', 'quickstart'], { cwd: join(project, 'plugins') });
    const file = join(project, 'experiments/experiment.json');
    expect(experiment.stdout).toBe(`wrote ${file}\nnext: distill validate ${file}, then distill run ${file}\n`);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    expect(manifest.$schema).toBe('../distill.schema.json');
    manifest.plugins = ['../plugins/soft-mse.ts'];
    manifest.losses.push({ type: 'soft-mse', weight: 0.5 });
    writeFileSync(file, JSON.stringify(manifest));
    const validate = await runCli(['validate', file]);
    expect(validate.stdout).toMatch(/^ok: experiment: .* losses kl-divergence\+cross-entropy\+soft-mse/);
    expect(validate.code).toBe(0);
  });

  it("never writes into distill's own packages: in distill's repository the default plugins/ is refused, naming the package", async () => {
    const result = await runCli(['init', 'plugin', '--kind', 'loss', '--name', 'soft-mse']);
    expect(result.stderr).toBe(
      "plugins is inside distill's own package @distill/plugins (plugins); write it in a project of your own\n  hint: start one with `distill init project <dir>`, or choose another place with --dir / --out\n",
    );
    expect(result.code).toBe(2);
    expect(existsSync(join(repoRoot, 'plugins/soft-mse.ts'))).toBe(false);
  });
});
