// Finds and loads optional packages (the native TensorFlow backends) without making them build-time dependencies.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed version of a package, or undefined when it is not installed. Does not load the package. */
export function installedVersion(packageName: string): string | undefined {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${packageName}/package.json`);
  } catch {
    return undefined;
  }
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version;
}

/** The directory of a package's main file, with a trailing slash. */
export function packageMainDir(packageName: string): string {
  return dirname(require.resolve(packageName)) + sep;
}

/**
 * Imports an optional package. The specifier is a parameter, not a literal, so neither TypeScript nor a bundler
 * tries to resolve it at build time.
 */
export async function importOptional(packageName: string): Promise<unknown> {
  return import(packageName);
}
