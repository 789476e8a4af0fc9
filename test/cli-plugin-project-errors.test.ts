// Plugins that cannot run in the project they sit in, through the real CLI: each refusal names the cause and what to
// change (exit 2). A project's folder is built for each case: a CommonJS package.json, a missing TensorFlow.js, a
// second copy of it, a plugin made for another @distill/core.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project folder with `files` (path → text). In the repository's tmp/, @distill/core and tfjs resolve as installed. */
function project(files: Record<string, string>, where: 'in-repository' | 'elsewhere' = 'in-repository'): string {
  const parent = where === 'in-repository' ? join(repoRoot, 'tmp') : tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'plugin-project-'));
  folders.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const tfjsVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')) as { version: string }).version;
const coreVersion = (JSON.parse(readFileSync(join(repoRoot, 'core/package.json'), 'utf8')) as { version: string }).version;
const shown = (path: string) => relative(repoRoot, path);

const typescriptLoss = [
  "import * as tf from '@tensorflow/tfjs';",
  "import { definePlugin, type DistillLoss } from '@distill/core';",
  '',
  'export default definePlugin({',
  "  kind: 'loss', name: 'logit-norm', description: 'Mean squared logit',",
  "  paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,",
  '  create: (): DistillLoss => ({ requires: {}, compute: ({ studentLogits }) => tf.tidy(() => studentLogits.square().mean() as tf.Scalar) }),',
  '});',
  '',
].join('\n');
const javascriptLoss = typescriptLoss.replace(' as const', '').replace(': DistillLoss', '').replace(' as tf.Scalar', '').replace(', type DistillLoss', '');

/** `distill plugins --plugin <file>` from the project: loads the plugin, lists it. */
const listWith = (dir: string, plugin: string) => runCli(['plugins', '--kind', 'loss', '--plugin', plugin], { cwd: dir });

describe('a plugin written as an ES module in a CommonJS package', () => {
  it('.ts under "type": "commonjs" (what npm init -y writes): names the package.json and what to change', async () => {
    const dir = project({ 'package.json': '{ "name": "my-kd", "type": "commonjs" }\n', 'plugins/logit-norm.ts': typescriptLoss });
    const result = await listWith(dir, 'plugins/logit-norm.ts');
    expect(result.stderr).toBe(
      'plugin module plugins/logit-norm.ts (--plugin) is loaded as CommonJS, so its `export`s are not seen: the nearest package.json (package.json) has "type": "commonjs", and Node and tsx read .ts files there as CommonJS\n' +
        `  hint: add "type": "module" to package.json (npm pkg set type=module in ${dir}), or rename the file to .mts\n`,
    );
    expect(result.code).toBe(2);
  });

  it('.js under "type": "commonjs", .ts under a package.json without "type": the same cause; "type": "module" fixes it', async () => {
    const dir = project({ 'package.json': '{ "name": "my-kd", "type": "commonjs" }\n', 'plugins/logit-norm.js': javascriptLoss });
    const refused = await listWith(dir, 'plugins/logit-norm.js');
    expect(refused.stderr).toContain('plugin module plugins/logit-norm.js (--plugin) is loaded as CommonJS, so its `export`s are not seen: the nearest package.json (package.json) has "type": "commonjs"');
    expect(refused.stderr).toContain('or rename the file to .mjs\n');
    expect(refused.code).toBe(2);
    const typeless = project({ 'package.json': '{ "name": "my-kd" }\n', 'plugins/logit-norm.ts': typescriptLoss });
    expect((await listWith(typeless, 'plugins/logit-norm.ts')).stderr).toContain('the nearest package.json (package.json) has no "type": "module", and Node and tsx read .ts files there as CommonJS');

    writeFileSync(join(dir, 'package.json'), '{ "name": "my-kd", "type": "module" }\n');
    const fixed = await listWith(dir, 'plugins/logit-norm.js');
    expect(fixed.stdout).toContain('  logit-norm - Mean squared logit [plugins/logit-norm.js]\n');
    expect(fixed.code).toBe(0);
  });
});

describe('TensorFlow.js where the plugin is', () => {
  it('not installed: the package, the version distill runs with and where to install it', async () => {
    const plugin = "import * as tf from '@tensorflow/tfjs';\nexport default { kind: 'loss', name: 'zero', description: 'Zero', paramsSchema: { type: 'object' }, create: () => ({ requires: {}, compute: () => tf.scalar(0) }) };\n";
    const dir = project({ 'package.json': '{ "name": "my-kd", "type": "module" }\n', 'plugins/zero.js': plugin }, 'elsewhere');
    const result = await listWith(dir, 'plugins/zero.js');
    expect(result.stderr).toBe(
      `cannot load plugin module plugins/zero.js (--plugin): it imports "@tensorflow/tfjs", which is not installed where plugins/zero.js can find it\n` +
        `  hint: install it next to the plugin: npm install @tensorflow/tfjs@${tfjsVersion} in ${dir}, the version this distill runs with (one copy for distill and its plugins)\n`,
    );
    expect(result.code).toBe(2);
  });

  it('a second copy beside the plugin: refused, naming both copies', async () => {
    const dir = project({ 'package.json': '{ "name": "my-kd", "type": "module" }\n', 'plugins/logit-norm.ts': typescriptLoss });
    // A second installation of the tfjs package itself (its Node entry and package.json; what it requires resolves as before).
    const copy = join(dir, 'node_modules/@tensorflow/tfjs');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    for (const file of ['package.json', 'dist/tf.node.js']) copyFileSync(join(repoRoot, 'node_modules/@tensorflow/tfjs', file), join(copy, file));
    const result = await listWith(dir, 'plugins/logit-norm.ts');
    expect(result.stderr).toBe(
      `plugin module plugins/logit-norm.ts (--plugin) uses a second copy of TensorFlow.js: it imports node_modules/@tensorflow/tfjs (${tfjsVersion}), distill runs with ${join(repoRoot, 'node_modules/@tensorflow/tfjs')} (${tfjsVersion}); tensors of one copy are not tensors to the other\n` +
        "  hint: run the distill installed in the plugin's project (npx distill there, with @distill/cli in its dependencies), or remove one copy so that both resolve to one installation (npm dedupe)\n",
    );
    expect(result.code).toBe(2);
    // The same project without the copy loads the plugin.
    rmSync(join(dir, 'node_modules'), { recursive: true });
    expect((await listWith(dir, 'plugins/logit-norm.ts')).code).toBe(0);
  });
});

describe('a plugin made for another @distill/core', () => {
  it('a definition stamped by another major\'s definePlugin: names the plugin, both versions and what to do', async () => {
    const stamped = "export default { kind: 'loss', name: 'future-loss', description: 'From core 9', paramsSchema: { type: 'object' }, coreVersion: '9.1.0', create: () => ({ requires: {}, compute: ({ studentLogits }) => studentLogits.mean() }) };\n";
    const dir = project({ 'package.json': '{ "name": "my-kd", "type": "module" }\n', 'plugins/future.mjs': stamped });
    const result = await listWith(dir, 'plugins/future.mjs');
    expect(result.stderr).toBe(
      `loss plugin "future-loss" from plugins/future.mjs was defined with @distill/core 9.1.0, but this is distill ${coreVersion}: upgrade distill in the project (npm install @distill/cli@"^9.0.0" @distill/core@"^9.0.0")\n`,
    );
    expect(result.code).toBe(2);
  });

  it('a plugin package whose peerDependencies exclude this core: refused before any of its code runs', async () => {
    const dir = project({
      'package.json': '{ "name": "my-kd", "type": "module" }\n',
      'node_modules/acme-losses/package.json': JSON.stringify({ name: 'acme-losses', version: '2.0.0', type: 'module', distill: { plugins: './index.js' }, peerDependencies: { '@distill/core': '^0.0.1' } }),
      'node_modules/acme-losses/index.js': "throw new Error('a refused package must not be imported');\n",
    });
    const result = await listWith(dir, 'acme-losses');
    expect(result.stderr).toBe(
      `plugin package acme-losses@2.0.0 (--plugin) is made for @distill/core ^0.0.1 (its package.json), but this is distill ${coreVersion}\n` +
        '  hint: update the plugin for @distill/core ^0.1.0 (docs/own-project.md, "Upgrade"), or run a distill in ^0.0.1; or install a version of acme-losses made for this distill\n',
    );
    expect(result.code).toBe(2);
    expect(shown(dir).startsWith('tmp/')).toBe(true);
  });
});
