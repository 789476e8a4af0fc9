// Finds and loads optional packages (the native TensorFlow backends) without making them build-time dependencies.
// Packages are resolved as Node resolves them from a directory: by default distill's own, so a package installed
// next to distill is found; tests pass a temporary directory whose node_modules holds stand-in packages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where optional packages are resolved from unless a caller says otherwise: this module's directory. */
export const DISTILL_PACKAGES_FROM = dirname(fileURLToPath(import.meta.url));

const requireFrom = (directory: string) => createRequire(join(directory, 'resolve-from.js'));

/** The installed version of a package, or undefined when it is not installed. Does not load the package. */
export function installedVersion(packageName: string, from: string = DISTILL_PACKAGES_FROM): string | undefined {
  let manifestPath: string;
  try {
    manifestPath = requireFrom(from).resolve(`${packageName}/package.json`);
  } catch {
    return undefined;
  }
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version;
}

/** The directory of a package's main file, with a trailing slash. */
export function packageMainDir(packageName: string, from: string = DISTILL_PACKAGES_FROM): string {
  return dirname(requireFrom(from).resolve(packageName)) + sep;
}

/**
 * Imports an optional package by the file its name resolves to from `from`. The specifier is computed, not a
 * literal, so neither TypeScript nor a bundler tries to resolve it at build time.
 */
export async function importOptional(packageName: string, from: string = DISTILL_PACKAGES_FROM): Promise<unknown> {
  return import(pathToFileURL(requireFrom(from).resolve(packageName)).href);
}
