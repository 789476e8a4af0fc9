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
import { commonJsRefusal, isEsSyntaxError } from './module-scope.js';
import { secondTensorflowRefusal } from './tensorflow-copies.js';
import { incompatiblePackage } from './core-compatibility.js';
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
    const commonJs = isEsSyntaxError(error) ? commonJsRefusal(target.path, described(target, from), error) : undefined;
    if (commonJs) throw commonJs;
    const failure = describeImportFailure(error, target.path);
    throw new UserError(`cannot load plugin module ${described(target, from)}: ${failure.reason}`, { cause: error, ...(failure.hint ? { hint: failure.hint } : {}) });
  }
  const secondCopy = secondTensorflowRefusal(target.path, described(target, from));
  if (secondCopy) throw secondCopy;
  return { path: target.path, module: containerModuleOf(exports, target, from) };
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

/** `plugins/x.ts (listed in experiments/x.json)`: how every message names a module. */
function described(target: ModuleTarget, from: PluginSource): string {
  return `${target.label} (${from.origin})`;
}

function packageTarget(name: string, from: PluginSource): ModuleTarget {
  const found = resolvePluginPackage(name, from);
  const incompatible = incompatiblePackage(found, from.origin);
  if (incompatible) throw incompatible;
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
    const commonJs = commonJsRefusal(target.path, described(target, from));
    if (commonJs) throw commonJs;
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
