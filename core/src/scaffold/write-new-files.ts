// Writes the files a scaffold produces, all or none: an existing file is never overwritten unless asked.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';

export function writeNewFiles(files: Readonly<Record<string, string>>, overwrite = false): string[] {
  const paths = Object.keys(files);
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0 && !overwrite) {
    throw new UserError(`${existing.map(displayPath).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; choose another name or directory, or pass --force to overwrite`);
  }
  for (const path of paths) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files[path]);
  }
  return paths;
}
