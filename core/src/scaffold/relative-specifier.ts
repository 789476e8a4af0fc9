// A file as a manifest names it: relative to the manifest's folder, with forward slashes, starting with `.` (so the
// plugin loader takes it for a path, not a package name).
import { relative } from 'node:path';

export function relativeSpecifier(fromDir: string, file: string): string {
  const path = relative(fromDir, file).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
