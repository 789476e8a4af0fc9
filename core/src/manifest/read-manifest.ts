// Reads a manifest file; a missing file, a directory or an unreadable file is one line, not a stack trace.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ManifestError } from './manifest-error.js';
import { parseManifestText, type ParsedManifest } from './parse-manifest-text.js';

export async function readManifest(file: string): Promise<ParsedManifest> {
  const absolute = resolve(file);
  const fail = (message: string): never => {
    throw new ManifestError([{ file: absolute, line: 0, column: 0, pointer: '', message }]);
  };
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => fail(describeFsError(error)));
  if (info.isDirectory()) fail('is a directory; expected a manifest file (.json)');
  const text = await readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => fail(describeFsError(error)));
  return parseManifestText(text, absolute);
}

function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'cannot read: a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read: permission denied';
    default:
      return `cannot read: ${error.code ?? error.message}`;
  }
}
