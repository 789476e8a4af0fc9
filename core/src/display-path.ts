// How messages show a file: relative to the working directory when it lies inside it (what a user would type).
import { isAbsolute, relative } from 'node:path';

/** A path relative to the working directory when it lies inside it, else as given. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const inside = relative(process.cwd(), file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}
