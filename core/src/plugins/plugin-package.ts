// Finds an npm package that declares itself a distill plugin package, the way Node finds a package (node_modules
// folders from a directory upwards), and returns the one module it declares:
//
//   package.json: { "name": "@acme/distill-plugins", "distill": { "plugins": "./dist/index.js" } }
//
// Only that module is imported; a package without the declaration is refused, so naming any installed package in a
// manifest can never run its code.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';
import type { PluginSource } from './plugin-source.js';

export interface PluginPackage {
  readonly name: string;
  readonly version?: string;
  /** The package's directory. */
  readonly dir: string;
  /** The module its `distill.plugins` names (real path). */
  readonly entry: string;
  /** The @distill/core versions it is made for: its peerDependencies (or dependencies) entry, if any. */
  readonly coreRange?: string;
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i;

export function resolvePluginPackage(name: string, from: PluginSource): PluginPackage {
  if (!PACKAGE_NAME.test(name)) {
    throw new UserError(`plugin "${name}" (${from.origin}) is neither a file path (start it with ./ or ../) nor a package name`);
  }
  const dir = findPackageDir(name, from.baseDir);
  if (!dir) throw new UserError(`cannot find plugin package "${name}" from ${from.baseDir}: not installed (${from.origin})`);
  const manifest = readPackageJson(join(dir, 'package.json'), name, from);
  const declared = (manifest.distill as { plugins?: unknown } | undefined)?.plugins;
  if (typeof declared !== 'string' || declared === '') {
    throw new UserError(
      `package "${name}" (${displayPath(dir)}, ${from.origin}) is not a distill plugin package: its package.json has no "distill": { "plugins": "<module>" } entry`,
    );
  }
  const entry = resolve(dir, declared);
  if (!existsSync(entry) || !statSync(entry).isFile()) {
    throw new UserError(`package "${name}" declares "distill.plugins": "${declared}", but there is no file ${entry} (${from.origin}); is the package built?`);
  }
  const version = typeof manifest.version === 'string' ? manifest.version : undefined;
  const coreRange = declaredCoreRange(manifest);
  return { name, ...(version ? { version } : {}), dir, entry: realpathSync(entry), ...(coreRange ? { coreRange } : {}) };
}

function declaredCoreRange(manifest: Record<string, unknown>): string | undefined {
  for (const field of ['peerDependencies', 'dependencies']) {
    const range = (manifest[field] as Record<string, unknown> | undefined)?.['@distill/core'];
    if (typeof range === 'string') return range;
  }
  return undefined;
}

/** The first `node_modules/<name>` with a package.json on Node's lookup path from `baseDir`. */
function findPackageDir(name: string, baseDir: string): string | undefined {
  const lookup = createRequire(join(baseDir, 'package.json')).resolve.paths(name) ?? [];
  return lookup.map((folder) => join(folder, name)).find((dir) => existsSync(join(dir, 'package.json')));
}

function readPackageJson(file: string, name: string, from: PluginSource): Record<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new Error('not a JSON object');
  } catch (error) {
    throw new UserError(`cannot read the package.json of plugin package "${name}" (${file}, ${from.origin}): ${(error as Error).message}`, { cause: error });
  }
}
