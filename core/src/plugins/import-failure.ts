// One line saying why a plugin module failed to import: a TypeScript syntax error at its place, or the thrown error's
// first line with the place in the user's code it came from (tsx maps stack frames back to the .ts source).
import { fileURLToPath } from 'node:url';
import { displayPath } from '../display-path.js';

const TRANSFORM_ERROR = /^(\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+):(\d+): ERROR: (.*)$/m;
const STACK_PLACE = /(?:^|[\s(])(file:\/\/\/[^\s()]+?|\/[^\s()]+?):(\d+):(\d+)/gm;

export function describeImportFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const syntax = TRANSFORM_ERROR.exec(error.message);
  // esbuild counts columns from 0; editors and the rest of distill's messages from 1.
  if (syntax) return `syntax error at ${displayPath(syntax[1])}:${syntax[2]}:${Number(syntax[3]) + 1}: ${syntax[4]}${decoratorsHint(syntax[4])}`;
  const reason = error.message.split('\n')[0] || error.name;
  const place = userCodePlace(error.stack ?? '');
  return place ? `${reason} (at ${place})` : reason;
}

/** The first stack frame in the user's own files (not Node's internals, not an installed package). */
function userCodePlace(stack: string): string | undefined {
  for (const [, file, line, column] of stack.matchAll(STACK_PLACE)) {
    const path = file.startsWith('file://') ? fileURLToPath(file) : file;
    if (!path.includes('/node_modules/')) return `${displayPath(path)}:${line}:${column}`;
  }
  return undefined;
}

// Class plugins inject their params with decorators, which TypeScript compiles only when the project enables them.
function decoratorsHint(message: string): string {
  return /decorators .*enabled/.test(message) ? ' (class plugins need a tsconfig.json beside them with "compilerOptions": { "experimentalDecorators": true })' : '';
}
