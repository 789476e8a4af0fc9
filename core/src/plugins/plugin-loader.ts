// Loads a plugin module (a file path or a package name) and turns what it exports into one container module.
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import { UserError } from '../errors.js';
import { displayPath } from '../manifest/manifest-error.js';
import type { PluginDefinition } from './plugin-definition.js';
import { pluginModule } from './plugin-module.js';

export interface PluginSource {
  /** Directory that relative paths and package names resolve from. */
  readonly baseDir: string;
  /** Who asked for the module, for messages: `listed in experiments/x.json`, `--plugin`. */
  readonly origin: string;
}

export interface LoadedPluginModule {
  /** The file that was imported (modules imported twice are loaded once). */
  readonly path: string;
  readonly module: ContainerModule;
}

const SCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

export async function loadPluginModule(specifier: string, from: PluginSource): Promise<LoadedPluginModule> {
  const path = isPathSpecifier(specifier) ? await resolveFile(specifier, from) : resolvePackage(specifier, from);
  const label = isPathSpecifier(specifier) ? displayPath(path) : specifier;
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot load plugin module ${label} (${from.origin}): ${reason}`, { cause: error });
  }
  return { path, module: containerModuleOf(exports, label, from) };
}

export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || SCRIPT_EXTENSIONS.has(extname(specifier));
}

async function resolveFile(specifier: string, from: PluginSource): Promise<string> {
  const path = resolve(from.baseDir, specifier);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UserError(`cannot find plugin module "${specifier}": no file ${path} (${from.origin})`);
  if (info.isDirectory()) throw new UserError(`plugin module "${specifier}" is a directory (${path}); name the module file (${from.origin})`);
  return path;
}

function resolvePackage(name: string, from: PluginSource): string {
  try {
    return createRequire(join(from.baseDir, 'package.json')).resolve(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'MODULE_NOT_FOUND' ? 'not installed' : (error as Error).message.split('\n')[0];
    throw new UserError(`cannot find plugin package "${name}" from ${from.baseDir}: ${reason} (${from.origin})`, { cause: error });
  }
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT_EXTENSIONS.has(extname(path))) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}

// A module contributes one ContainerModule (its default export), or plugin definitions: default or named exports,
// single or in arrays.
function containerModuleOf(exports: Record<string, unknown>, label: string, from: PluginSource): ContainerModule {
  if (isContainerModule(exports.default)) return exports.default;
  const definitions = new Set(Object.values(exports).flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isPluginDefinition));
  if (definitions.size === 0) {
    throw new UserError(
      `plugin module ${label} (${from.origin}) exports no plugins: export default a ContainerModule made with pluginModule(), or export plugin definitions made with definePlugin()`,
    );
  }
  return pluginModule(label, [...definitions]);
}

// Duck-typed, not `instanceof`: a plugin package may bring its own copy of inversify.
function isContainerModule(value: unknown): value is ContainerModule {
  const candidate = value as { load?: unknown; id?: unknown } | null;
  return typeof candidate?.load === 'function' && typeof candidate.id === 'number';
}

function isPluginDefinition(value: unknown): value is PluginDefinition {
  const candidate = value as Partial<Record<keyof PluginDefinition | 'create' | 'implementation', unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.kind === 'string' &&
    typeof candidate.name === 'string' &&
    typeof candidate.paramsSchema === 'object' &&
    (typeof candidate.create === 'function' || typeof candidate.implementation === 'function')
  );
}
