// distill as a user gets it: the workspaces packed with `npm pack`, installed into a project outside the repository
// (offline, from the tarballs and npm's cache), and used there through `npx distill` and the project's scripts only.
// What a tarball lacks (a file it reads at run time, a dependency it imports) fails here, not in a user's project.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';
import { installOffline, npmEnvironment, packWorkspaces, writeOfflineLock, type PackedWorkspace } from './support/offline-install.js';

const root = mkdtempSync(join(tmpdir(), 'distill-own-project-'));
const project = join(root, 'my-kd');
let packed: PackedWorkspace[];
let scaffolded: Record<string, unknown>;

/** A command in the project, as its user types it; output without colours. */
function inProject(command: string, args: readonly string[], cwd = project) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: npmEnvironment(), timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}

const file = (path: string) => join(project, path);
const read = (path: string) => readFileSync(file(path), 'utf8');

beforeAll(async () => {
  packed = packWorkspaces(join(root, 'packs'));
  // Scaffolded by the repository's CLI (the same code the tarball holds): the project must exist before its install.
  expect((await runCli(['init', 'project', 'my-kd'], { cwd: root })).code).toBe(0);
  scaffolded = JSON.parse(read('package.json'));
  // Point the distill packages at the tarballs, as a user trying a build before it is published would.
  const manifest = JSON.parse(read('package.json'));
  for (const workspace of packed) if (manifest.dependencies[workspace.name]) manifest.dependencies[workspace.name] = `file:${relative(project, workspace.tarball)}`;
  writeFileSync(file('package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeOfflineLock(project, packed);
  const install = installOffline(project);
  expect(install.output).not.toMatch(/ERR|ENOTCACHED/);
  expect(install.status).toBe(0);
}, 240_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('distill installed from the packed tarballs into a project outside the repository', () => {
  it('packs core, plugins and the cli, each with the files it reads at run time', () => {
    expect(packed.map((workspace) => workspace.name).sort()).toEqual(['@distill/cli', '@distill/core', '@distill/plugins']);
    const installed = join(project, 'node_modules/@distill');
    for (const path of ['core/schemas/experiment.schema.json', 'core/dist/bundled/experiments/quickstart.json', 'core/dist/bundled/schemas/distill.schema.json', 'plugins/dist/plugin-catalog.json', 'cli/bin/distill.js']) {
      expect(() => readFileSync(join(installed, path)), path).not.toThrow();
    }
    expect(relative(repoRoot, project).startsWith('..')).toBe(true);
  });

  it('npx distill init project from the installed package writes what the repository\'s does', () => {
    const second = join(root, 'second');
    const result = inProject('npx', ['distill', 'init', 'project', second]);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(second, 'package.json'), 'utf8'))).toEqual({ ...scaffolded, name: 'second' });
    expect(readFileSync(join(second, 'distill.schema.json'), 'utf8')).toBe(read('distill.schema.json'));
  });

  it('the example plugin\'s tests pass (npm test) and the project type-checks (npm run typecheck)', () => {
    const test = inProject('npm', ['test']);
    expect(test.output).toMatch(/Test Files {2}1 passed \(1\)/);
    expect(test.status).toBe(0);
    const typecheck = inProject('npm', ['run', 'typecheck']);
    expect(typecheck.status).toBe(0);
  });

  it('a misspelt param in a plugin is a type error: npm run typecheck fails naming it', () => {
    const plugin = read('plugins/feature-cosine.ts');
    writeFileSync(file('plugins/feature-cosine.ts'), plugin.replace('requireLayer(context.models.student, \'student\', params.studentLayer)', 'requireLayer(context.models.student, \'student\', params.studentLayr)'));
    try {
      const typecheck = inProject('npm', ['run', 'typecheck']);
      expect(typecheck.output).toMatch(/plugins\/feature-cosine\.ts\(\d+,\d+\): error TS2551: Property 'studentLayr' does not exist on type .* Did you mean 'studentLayer'\?/);
      expect(typecheck.status).not.toBe(0);
    } finally {
      writeFileSync(file('plugins/feature-cosine.ts'), plugin);
    }
  });

  it('a plugin written with npx distill init plugin joins the example: its test passes, its params reach the editor schema, the experiment runs with it', () => {
    const init = inProject('npx', ['distill', 'init', 'plugin', '--kind', 'loss', '--name', 'soft-mse'], file('experiments'));
    const printed = /"plugins": \["([^"]+)"\]/.exec(init.stdout)![1];
    expect(printed).toBe('../plugins/soft-mse.ts');
    const manifest = JSON.parse(read('experiments/example.json'));
    manifest.plugins.push(printed);
    manifest.losses.push({ type: 'soft-mse', params: { temperature: 2 }, weight: 0.2 });
    writeFileSync(file('experiments/example.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    expect(inProject('npm', ['run', 'schema']).status).toBe(0);
    expect(JSON.parse(read('distill.schema.json')).definitions['loss.soft-mse.params'].properties.temperature).toMatchObject({ type: 'number', default: 2 });
    const test = inProject('npm', ['test']);
    expect(test.output).toMatch(/Test Files {2}2 passed \(2\)/);
    expect(test.status).toBe(0);

    const run = inProject('npm', ['run', 'run', '--', '--quiet', '--json']);
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { runId: string; status: string; backend: { name: string } };
    expect(summary.status).toBe('FINISHED');
    const keys = new Set(read(`runs/${summary.runId}/metrics.jsonl`).trim().split('\n').map((line) => (JSON.parse(line) as { key: string }).key));
    expect([...keys]).toEqual(expect.arrayContaining(['student/train/loss/feature-cosine', 'student/train/loss/soft-mse', 'distillation/gain']));
  });

  it('npx distill init experiment --from quickstart copies the example the package ships, pointing at the project\'s schema', () => {
    const init = inProject('npx', ['distill', 'init', 'experiment', '--from', 'quickstart', '--out', 'experiments/mnist.json']);
    expect(init.status).toBe(0);
    const manifest = JSON.parse(read('experiments/mnist.json'));
    expect(manifest).toMatchObject({ $schema: '../distill.schema.json', name: 'mnist', dataset: { type: 'mnist' } });
    expect(inProject('npx', ['distill', 'validate', 'experiments/mnist.json']).status).toBe(0);
  });

  it('installs one copy of TensorFlow.js, which core, the built-in plugins and the project\'s plugins share', () => {
    const listed = inProject('npm', ['ls', '@tensorflow/tfjs', '--all', '--parseable']);
    const copies = new Set(listed.stdout.trim().split('\n').filter((line) => line.endsWith('node_modules/@tensorflow/tfjs')));
    expect([...copies]).toEqual([file('node_modules/@tensorflow/tfjs')]);
  });
});
