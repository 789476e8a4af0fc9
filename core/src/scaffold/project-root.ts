// Which project `distill init` writes into: the user's, found as npm finds it (the nearest folder above the working
// directory with a package.json), and never distill's own source or packages.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';

// From core/src/scaffold and core/dist/scaffold alike: the @distill/core package folder.
const coreDir = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));

/** The folder of the package.json nearest to `from` (itself or above), if any. */
export function nearestPackageDir(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The root of the user's project that `from` lies in, or undefined outside one: a folder with a package.json that is
 * neither one of distill's packages nor distill's own source tree (the one holding the running core, not installed).
 */
export function findProjectRoot(from: string): string | undefined {
  const dir = nearestPackageDir(from);
  if (!dir || distillPackageName(dir)) return undefined;
  const inside = relative(realpathSync(dir), coreDir);
  const holdsThisCore = !inside.startsWith('..') && !isAbsolute(inside) && !inside.split(sep).includes('node_modules');
  return holdsThisCore ? undefined : dir;
}

/** Refuses a scaffold target inside one of distill's own packages (its workspaces, or an installed copy). */
export function refuseDistillPackage(target: string): void {
  const dir = nearestPackageDir(existingAncestor(target));
  const name = dir ? distillPackageName(dir) : undefined;
  if (dir && name) {
    throw new UserError(`${displayPath(target)} is inside distill's own package ${name} (${displayPath(dir)}); write it in a project of your own`, {
      hint: 'start one with `distill init project <dir>`, or choose another place with --dir / --out',
    });
  }
}

function distillPackageName(dir: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' && name.startsWith('@distill/') ? name : undefined;
  } catch {
    return undefined;
  }
}

function existingAncestor(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
