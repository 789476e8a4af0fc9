import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { loadPluginModule } from './plugin-loader.js';
import { createPluginHost } from './create-plugin-host.js';
import { PluginHost } from './plugin-host.js';

// Fixture modules written in plain JS and TS (test/fixtures/plugins), loaded the way a user's plugins are.
const fixtures = fileURLToPath(new URL('../../../test/fixtures/plugins/', import.meta.url));
const cli = { baseDir: fixtures, origin: '--plugin' };
const noDefaults = { defaultPlugins: [] };

async function registered(specifier: string) {
  const { module } = await loadPluginModule(specifier, cli);
  const { registries } = PluginHost.create([module]);
  return Object.fromEntries(Object.entries(registries).map(([kind, registry]) => [kind, registry.names()]).filter(([, names]) => names.length > 0));
}

async function messageOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('loadPluginModule', () => {
  it('loads a default-exported array of plugin definitions (.mjs)', async () => {
    expect(await registered('./array-default.mjs')).toEqual({ loss: ['zero'], scheduler: ['halving'] });
  });

  it('loads named exports that are plugin definitions and ignores the rest (.js)', async () => {
    expect(await registered('./named-exports.js')).toEqual({ tracker: ['noop'] });
  });

  it('loads a TypeScript module through tsx (.ts)', async () => {
    expect(await registered('./typed-plugin.ts')).toEqual({ loss: ['margin'] });
  });

  it('loads a TypeScript class plugin with the tsconfig.json beside it, and builds it through injection', async () => {
    const { module } = await loadPluginModule('./class-plugin/fixed-rate.ts', cli);
    const host = PluginHost.create([module]);
    const schedule = await host.registries.scheduler.build('fixed-rate', { rate: 0.5 }, { manifestDir: fixtures, seed: 1, pointer: '/scheduler' });
    expect(schedule.learningRateAt(0, { baseLearningRate: 1, stepsPerEpoch: 1, totalSteps: 1 })).toBe(0.5);
  });

  it('takes a default-exported ContainerModule as it is', async () => {
    const { module } = await loadPluginModule('./container-module.mjs', cli);
    const { registries } = PluginHost.create([module]);
    expect(registries.dataset.get('ranked').source).toBe('container-module fixture');
  });

  it('records where definitions came from', async () => {
    const { module } = await loadPluginModule('./typed-plugin.ts', cli);
    expect(PluginHost.create([module]).registries.loss.get('margin').source).toBe(relative(process.cwd(), join(fixtures, 'typed-plugin.ts')));
  });

  it('a missing file names the path tried and who asked for it', async () => {
    expect(await messageOf(() => loadPluginModule('./nope.ts', cli))).toBe(`cannot find plugin module "./nope.ts": no file ${join(fixtures, 'nope.ts')} (--plugin)`);
  });

  it('a directory is not a module', async () => {
    expect(await messageOf(() => loadPluginModule('.', cli))).toBe(`plugin module "." is a directory (${fixtures.replace(/\/$/, '')}); name the module file (--plugin)`);
  });

  it('a module without plugins says what it should export', async () => {
    expect(await messageOf(() => loadPluginModule('./no-plugins.mjs', cli))).toMatch(/^plugin module .*no-plugins\.mjs \(--plugin\) exports no plugins: export default a ContainerModule/);
  });

  it('a module that throws while loading is one line naming it, the cause and where it was thrown', async () => {
    expect(await messageOf(() => loadPluginModule('./broken.mjs', cli))).toMatch(
      /^cannot load plugin module .*broken\.mjs \(--plugin\): the plugin could not start \(at .*test\/fixtures\/plugins\/broken\.mjs:2:7\)$/,
    );
  });

  it('a TypeScript module with a syntax error names the file, line and column', async () => {
    expect(await messageOf(() => loadPluginModule('./syntax-error.ts', cli))).toMatch(
      /^cannot load plugin module .*syntax-error\.ts \(--plugin\): syntax error at .*test\/fixtures\/plugins\/syntax-error\.ts:5:20: Expected/,
    );
  });

  it('an export that is half a plugin says which parts are missing', async () => {
    expect(await messageOf(() => loadPluginModule('./malformed.mjs', cli))).toMatch(
      /^plugin module .*malformed\.mjs \(--plugin\): export "default" \(loss "half-made"\) is not a complete plugin definition: missing description, create \(a function\) or implementation \(a class\)\n {2}hint: make it with definePlugin/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'distill-malformed-'));
    writeFileSync(join(dir, 'kind.mjs'), "export const cosine = { kind: 'losses', name: 'cosine', description: 'x', paramsSchema: { type: 'object' }, create: () => ({}) };\n");
    writeFileSync(join(dir, 'nameless.mjs'), "export default [{ kind: 'model', description: 'x', paramsSchema: true, create: () => ({}) }];\n");
    const from = { baseDir: dir, origin: '--plugin' };
    expect(await messageOf(() => loadPluginModule('./kind.mjs', from))).toContain(
      'export "cosine" (plugin "cosine") is not a complete plugin definition: missing a valid kind ("losses" is not one of dataset, model, teacher, loss, optimizer, scheduler, tracker, tokenizer, augmentation)',
    );
    expect(await messageOf(() => loadPluginModule('./nameless.mjs', from))).toContain(
      'export "default" (a model without a name) is not a complete plugin definition: missing name, paramsSchema (a JSON Schema object)',
    );
  });
});

describe('plugin packages', () => {
  /** A project directory with `node_modules/<name>` holding the given package.json and files. */
  function project(name: string, packageJson: Record<string, unknown>, files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'distill-package-'));
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type: 'module', ...packageJson }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    mkdirSync(join(root, 'experiments'));
    return root;
  }
  const optimizerModule = "export default [{ kind: 'optimizer', name: 'acme-sgd', description: 'x', paramsSchema: { type: 'object' }, create: () => ({}) }];\n";

  it('imports only the module a package declares in "distill.plugins", found from a directory below it', async () => {
    const root = project(
      '@acme/distill-plugins',
      { version: '2.0.0', main: './index.js', distill: { plugins: './plugins.js' } },
      { 'index.js': "throw new Error('the main module must not be imported');\n", 'plugins.js': optimizerModule },
    );
    const { module } = await loadPluginModule('@acme/distill-plugins', { baseDir: join(root, 'experiments'), origin: 'listed in x.json' });
    const plugin = PluginHost.create([module]).registries.optimizer.get('acme-sgd');
    expect(plugin.source).toBe('@acme/distill-plugins@2.0.0');
    expect(plugin.version).toBe('2.0.0');
  });

  it('refuses an installed package that does not declare itself a distill plugin package, without importing it', async () => {
    const root = project('left-pad-ish', { version: '1.0.0', main: './index.js' }, { 'index.js': "throw new Error('must not run');\n" });
    expect(await messageOf(() => loadPluginModule('left-pad-ish', { baseDir: root, origin: 'listed in x.json' }))).toBe(
      `package "left-pad-ish" (${join(root, 'node_modules', 'left-pad-ish')}, listed in x.json) is not a distill plugin package: its package.json has no "distill": { "plugins": "<module>" } entry`,
    );
  });

  it('a declared module that is not there, a package not installed, a name that is neither path nor package', async () => {
    const root = project('acme-unbuilt', { distill: { plugins: './dist/index.js' } }, {});
    const from = { baseDir: root, origin: 'listed in x.json' };
    expect(await messageOf(() => loadPluginModule('acme-unbuilt', from))).toBe(
      `package "acme-unbuilt" declares "distill.plugins": "./dist/index.js", but there is no file ${join(root, 'node_modules/acme-unbuilt/dist/index.js')} (listed in x.json); is the package built?`,
    );
    expect(await messageOf(() => loadPluginModule('acme-missing', from))).toBe(`cannot find plugin package "acme-missing" from ${root}: not installed (listed in x.json)`);
    expect(await messageOf(() => loadPluginModule('acme/losses', from))).toBe(
      'plugin "acme/losses" (listed in x.json) is neither a file path (start it with ./ or ../) nor a package name',
    );
  });

  it('the built-in plugins load as a declared package', async () => {
    const { module } = await loadPluginModule('@distill/plugins', { baseDir: fixtures, origin: 'a default plugin package' });
    expect(PluginHost.create([module]).registries.loss.get('kl-divergence').source).toMatch(/^@distill\/plugins@\d/);
  });
});

describe('createPluginHost', () => {
  it('loads the manifest\'s plugins relative to its directory and --plugin ones relative to the working directory', async () => {
    const host = await createPluginHost({
      ...noDefaults,
      manifestFile: join(fixtures, 'x.json'),
      manifestPlugins: ['./array-default.mjs'],
      cliPlugins: [relative(process.cwd(), join(fixtures, 'named-exports.js'))],
    });
    expect(host.registries.loss.names()).toEqual(['zero']);
    expect(host.registries.tracker.names()).toEqual(['noop']);
  });

  it('loads a module named twice once', async () => {
    const host = await createPluginHost({ ...noDefaults, baseDir: fixtures, manifestPlugins: ['./array-default.mjs'], cliPlugins: [join(fixtures, 'array-default.mjs')] });
    expect(host.registries.loss.names()).toEqual(['zero']);
  });

  it('two plugins with one name are a user error naming both sources', async () => {
    const message = await messageOf(() => createPluginHost({ ...noDefaults, baseDir: fixtures, manifestPlugins: ['./array-default.mjs', './duplicate-zero.mjs'] }));
    expect(message).toMatch(/^two loss plugins are named "zero": one from .*array-default\.mjs, one from .*duplicate-zero\.mjs; rename one of them$/);
  });

  it('names the manifest that listed a missing module', async () => {
    const manifestFile = join(fixtures, 'x.json');
    expect(await messageOf(() => createPluginHost({ ...noDefaults, manifestFile, manifestPlugins: ['./gone.js'] }))).toBe(
      `cannot find plugin module "./gone.js": no file ${join(fixtures, 'gone.js')} (listed in ${relative(process.cwd(), manifestFile)})`,
    );
  });
});
