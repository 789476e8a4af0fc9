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

  it('a module that throws while loading is one line naming it', async () => {
    expect(await messageOf(() => loadPluginModule('./broken.mjs', cli))).toMatch(/^cannot load plugin module .*broken\.mjs \(--plugin\): the plugin could not start$/);
  });

  it('resolves a package name from the given directory, like a manifest\'s node_modules', async () => {
    const project = mkdtempSync(join(tmpdir(), 'distill-package-'));
    const packageDir = join(project, 'node_modules', 'acme-distill-plugins');
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'acme-distill-plugins', version: '2.0.0', type: 'module', exports: './index.js' }));
    writeFileSync(
      join(packageDir, 'index.js'),
      "export default [{ kind: 'optimizer', name: 'acme-sgd', description: 'x', paramsSchema: { type: 'object' }, create: () => ({}) }];\n",
    );
    const { module } = await loadPluginModule('acme-distill-plugins', { baseDir: project, origin: 'listed in x.json' });
    expect(PluginHost.create([module]).registries.optimizer.get('acme-sgd').source).toBe('acme-distill-plugins');
    expect(await messageOf(() => loadPluginModule('acme-missing', { baseDir: project, origin: 'listed in x.json' }))).toBe(
      `cannot find plugin package "acme-missing" from ${project}: not installed (listed in x.json)`,
    );
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
