// Loads a plugin module (a file path or a plugin package's name) and turns what it exports into one container module.
// Only modules named in a manifest's `plugins` or by `--plugin` come through here: nothing else imports code. A module
// that cannot be used is refused with its cause and what to change: a syntax error, a package it imports that is not
// installed, ES module syntax in a CommonJS package, a second copy of TensorFlow.js, a plugin made for another
// @distill/core.
import { existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';
import type { PluginDefinition } from './plugin-definition.js';
import { pluginModule } from './plugin-module.js';
import { describeDefinition, looksLikePluginDefinition, pluginDefinitionProblems } from './plugin-shape.js';
import { resolvePluginPackage } from './plugin-package.js';
import { describeImportFailure } from './import-failure.js';
import { commonJsScope } from './module-scope.js';
import { distillTensorflow, secondTensorflow, type TensorflowCopy } from './tensorflow-copies.js';
import { runningCoreSatisfies, upgradeAdvice } from './core-compatibility.js';
import { distillVersion } from '../version.js';
import type { PluginSource } from './plugin-source.js';

export type { PluginSource } from './plugin-source.js';

export interface LoadedPluginModule {
  /** The file that was imported (real path: modules named twice are loaded once). */
  readonly path: string;
  readonly module: ContainerModule;
}

interface ModuleTarget {
  readonly path: string;
  /** How messages and plugin sources name it: the path shown relative to the working directory, or `name@version`. */
  readonly label: string;
  readonly version?: string;
}

const SCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

export async function loadPluginModule(specifier: string, from: PluginSource): Promise<LoadedPluginModule> {
  const target = isPathSpecifier(specifier) ? await resolveFile(specifier, from) : packageTarget(specifier, from);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(target.path);
  } catch (error) {
    if (error instanceof SyntaxError && ES_SYNTAX_IN_COMMONJS.test(error.message)) refuseCommonJs(target, from, error);
    const failure = describeImportFailure(error, target.path);
    throw new UserError(`cannot load plugin module ${target.label} (${from.origin}): ${failure.reason}`, { cause: error, ...(failure.hint ? { hint: failure.hint } : {}) });
  }
  refuseSecondTensorflow(target, from);
  return { path: target.path, module: containerModuleOf(exports, target, from) };
}

// What Node says when it reads `import` / `export` in a file it loads as CommonJS.
const ES_SYNTAX_IN_COMMONJS = /Cannot use import statement outside a module|Unexpected token 'export'/;

/** Refuses a module that, written as an ES module, is loaded as CommonJS; nothing when that is not the cause. */
function refuseCommonJs(target: ModuleTarget, from: PluginSource, cause?: unknown): void {
  const scope = commonJsScope(target.path);
  if (!scope) return;
  const decides = scope.packageJson
    ? `the nearest package.json (${displayPath(scope.packageJson)}) ${scope.declaredType ? `has "type": "${scope.declaredType}"` : 'has no "type": "module"'}`
    : 'no package.json above it says "type": "module"';
  const fix = scope.packageJson ? `add "type": "module" to ${displayPath(scope.packageJson)} (npm pkg set type=module in ${displayPath(dirname(scope.packageJson))})` : 'add a package.json with "type": "module" to the project';
  throw new UserError(
    `plugin module ${target.label} (${from.origin}) is loaded as CommonJS, so its \`export\`s are not seen: ${decides}, and Node and tsx read ${extname(target.path)} files there as CommonJS`,
    { hint: `${fix}, or rename the file to ${extname(target.path) === '.ts' ? '.mts' : '.mjs'}`, ...(cause ? { cause } : {}) },
  );
}

function refuseSecondTensorflow(target: ModuleTarget, from: PluginSource): void {
  const theirs = secondTensorflow(target.path);
  if (!theirs) return;
  const ours = distillTensorflow();
  const described = (copy: TensorflowCopy | undefined) => (copy ? `${displayPath(copy.dir)}${copy.version ? ` (${copy.version})` : ''}` : 'its own copy');
  throw new UserError(
    `plugin module ${target.label} (${from.origin}) uses a second copy of TensorFlow.js: it imports ${described(theirs)}, distill runs with ${described(ours)}; tensors of one copy are not tensors to the other`,
    { hint: "run the distill installed in the plugin's project (npx distill there, with @distill/cli in its dependencies), or remove one copy so that both resolve to one installation (npm dedupe)" },
  );
}

export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || SCRIPT_EXTENSIONS.has(extname(specifier));
}

async function resolveFile(specifier: string, from: PluginSource): Promise<ModuleTarget> {
  const path = resolve(from.baseDir, specifier);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UserError(`cannot find plugin module "${specifier}": no file ${path} (${from.origin})`);
  if (info.isDirectory()) throw new UserError(`plugin module "${specifier}" is a directory (${path}); name the module file (${from.origin})`);
  return { path: await realpath(path), label: displayPath(path) };
}

function packageTarget(name: string, from: PluginSource): ModuleTarget {
  const found = resolvePluginPackage(name, from);
  if (found.coreRange && !runningCoreSatisfies(found.coreRange)) {
    throw new UserError(
      `plugin package ${found.name}${found.version ? `@${found.version}` : ''} (${from.origin}) is made for @distill/core ${found.coreRange} (its package.json), but this is distill ${distillVersion()}`,
      { hint: `${upgradeAdvice(found.coreRange)}; or install a version of ${found.name} made for this distill` },
    );
  }
  return { path: found.entry, label: found.version ? `${found.name}@${found.version}` : found.name, ...(found.version ? { version: found.version } : {}) };
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT_EXTENSIONS.has(extname(path))) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  // The plugin's own project settings (experimentalDecorators for class plugins), not those of the working directory.
  const tsconfig = nearestTsconfig(dirname(path));
  return tsImport(url, { parentURL: import.meta.url, ...(tsconfig ? { tsconfig } : {}) });
}

function nearestTsconfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

// A module contributes one ContainerModule (its default export), or plugin definitions: default or named exports,
// single or in arrays. An export that tries to be a definition and lacks a part is an error naming the part.
function containerModuleOf(exports: Record<string, unknown>, target: ModuleTarget, from: PluginSource): ContainerModule {
  if (isContainerModule(exports.default)) return exports.default;
  const definitions = new Set<PluginDefinition>();
  for (const [exportName, value] of Object.entries(exports)) {
    for (const candidate of Array.isArray(value) ? value : [value]) {
      if (!looksLikePluginDefinition(candidate)) continue;
      const problems = pluginDefinitionProblems(candidate);
      if (problems.length > 0) {
        throw new UserError(
          `plugin module ${target.label} (${from.origin}): export "${exportName}" (${describeDefinition(candidate)}) is not a complete plugin definition: missing ${problems.join(', ')}`,
          { hint: 'make it with definePlugin({ kind, name, description, paramsSchema, create }) from @distill/core' },
        );
      }
      definitions.add(candidate as unknown as PluginDefinition);
    }
  }
  if (definitions.size === 0) {
    refuseCommonJs(target, from);
    throw new UserError(
      `plugin module ${target.label} (${from.origin}) exports no plugins: export default a ContainerModule made with pluginModule(), or export plugin definitions made with definePlugin()`,
    );
  }
  return pluginModule(target.label, [...definitions], target.version);
}

// Duck-typed, not `instanceof`: a plugin package may bring its own copy of inversify.
function isContainerModule(value: unknown): value is ContainerModule {
  const candidate = value as { load?: unknown; id?: unknown } | null;
  return typeof candidate?.load === 'function' && typeof candidate.id === 'number';
}
