// Why a plugin module failed to import, in one line and what to change: a TypeScript syntax error at its place; a
// package it imports that is not installed where it can be found (TensorFlow.js, @distill/core: at the version distill
// runs with); else the thrown error's first line with the place in the user's code it came from (tsx maps stack frames
// back to the .ts source).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayPath } from '../display-path.js';
import { distillVersion } from '../version.js';
import { distillTensorflow } from './tensorflow-copies.js';
import { nearestPackageJson } from './module-scope.js';

export interface ImportFailure {
  readonly reason: string;
  readonly hint?: string;
}

const TRANSFORM_ERROR = /^(\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+):(\d+): ERROR: (.*)$/m;
const STACK_PLACE = /(?:^|[\s(])(file:\/\/\/[^\s()]+?|\/[^\s()]+?):(\d+):(\d+)/gm;

const MISSING_PACKAGE = /^Cannot find (?:package|module) '((?:@[^/'\s]+\/)?[^./'\s][^/'\s]*)(?:\/[^'\s]*)?'/;

/** Why importing `file` failed. */
export function describeImportFailure(error: unknown, file: string): ImportFailure {
  if (!(error instanceof Error)) return { reason: String(error) };
  const syntax = TRANSFORM_ERROR.exec(error.message);
  // esbuild counts columns from 0; editors and the rest of distill's messages from 1.
  if (syntax) return { reason: `syntax error at ${displayPath(syntax[1])}:${syntax[2]}:${Number(syntax[3]) + 1}: ${syntax[4]}${decoratorsHint(syntax[4])}` };
  const missing = MISSING_PACKAGE.exec(error.message);
  if (missing) return missingPackage(missing[1], file);
  const reason = error.message.split('\n')[0] || error.name;
  const place = userCodePlace(error.stack ?? '');
  return { reason: place ? `${reason} (at ${place})` : reason };
}

// The packages a plugin shares with distill must be the versions distill runs with: one copy of each in the process.
function missingPackage(name: string, file: string): ImportFailure {
  const version = name === '@tensorflow/tfjs' ? distillTensorflow()?.version : name === '@distill/core' ? distillVersion() : undefined;
  const spec = version ? `${name}@${version}` : name;
  const why = version ? `, the version this distill runs with (one copy for distill and its plugins)` : '';
  const project = nearestPackageJson(dirname(file));
  return {
    reason: `it imports "${name}", which is not installed where ${displayPath(file)} can find it`,
    hint: `install it next to the plugin: npm install ${spec} in ${displayPath(project ? dirname(project) : dirname(file))}${why}`,
  };
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
