// What this checkout has installed of the optional native backends, read from node_modules and the NVIDIA driver
// directly (not through distill), so that end-to-end tests expect what `auto` should pick here, with or without them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

const requireFromCore = createRequire(join(repoRoot, 'core/package.json'));

/** The version of a package as installed where distill finds it, or null. */
export function installedVersion(packageName: string): string | null {
  try {
    return (JSON.parse(readFileSync(requireFromCore.resolve(`${packageName}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function gpuListed(): boolean {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 }).includes('GPU ');
  } catch {
    return false;
  }
}

/** The backend `auto` picks here: the GPU package with a GPU, else the CPU package, else wasm. */
export function expectedAutoBackend(): 'tensorflow-gpu' | 'tensorflow' | 'wasm' {
  if (installedVersion('@tensorflow/tfjs-node-gpu') !== null && gpuListed()) return 'tensorflow-gpu';
  return installedVersion('@tensorflow/tfjs-node') !== null ? 'tensorflow' : 'wasm';
}
