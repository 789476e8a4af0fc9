import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUserError } from '../errors.js';
import { initBackend, type BackendName } from './select-backend.js';
import { isWasmMatMulFixInstalled } from './wasm-matmul-fix.js';

const require = createRequire(import.meta.url);
const resolvable = (specifier: string) => {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
};
const packageVersion = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

describe('initBackend', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('auto falls back to the embedded wasm backend when no native package is installed, and says so', async () => {
    // Precondition of this machine (only package registries reachable, so libtensorflow cannot be downloaded).
    expect(resolvable('@tensorflow/tfjs-node'), '@tensorflow/tfjs-node is installed here; this test expects it absent').toBe(false);
    expect(resolvable('@tensorflow/tfjs-node-gpu')).toBe(false);

    const choice = await initBackend('auto');

    expect(choice).toMatchObject({
      name: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      version: packageVersion('@tensorflow/tfjs-backend-wasm'),
      simd: true, // Node >= 16 validates WebAssembly SIMD
      threads: 1, // tfjs does not start wasm worker threads under Node
    });
    expect(choice.reason).toMatch(/^auto: .*@tensorflow\/tfjs-node not installed; using the embedded wasm backend \(SIMD, 1 thread\)$/);
    expect(choice.reason).toContain('@tensorflow/tfjs-node-gpu not installed');
    expect(tf.getBackend()).toBe('wasm');
    expect(isWasmMatMulFixInstalled()).toBe(true);
    expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()).toEqual(new Float32Array([11]));
  });

  it('returns the same choice on a second call', async () => {
    const first = await initBackend('auto');
    const kernel = tf.getKernel('BatchMatMul', 'wasm');
    const backend = tf.backend();
    expect(await initBackend('auto')).toBe(first);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(kernel); // the kernel override was not registered again
    expect(tf.backend()).toBe(backend);
  });

  it.each([
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const)('asking for "%s" while %s is not installed is a user error naming the exact install command', async (name, packageName) => {
    const error = await initBackend(name).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `backend "${name}" needs the optional package ${packageName}, which is not installed; run \`npm install ${packageName}@${tf.version.tfjs}\``,
    );
    expect(tf.getBackend()).toBe('wasm'); // the failed request left the current backend alone
  });

  it('rejects an unknown backend name with the valid ones', async () => {
    await expect(initBackend('webgpu' as BackendName)).rejects.toThrow('unknown backend "webgpu"; valid: auto, wasm, cpu, tensorflow, tensorflow-gpu');
  });

  it('starts the cpu backend without tfjs\'s "install our node backend" banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    const choice = await initBackend('cpu');
    expect(choice).toMatchObject({ name: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu', version: packageVersion('@tensorflow/tfjs-backend-cpu') });
    expect(choice.reason).toBe('requested "cpu"');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.add(tf.tensor1d([1, 2]), 1).dataSync()).toEqual(new Float32Array([2, 3])); // first write: where tfjs warns
    expect(warn.mock.calls.flat().join('\n')).not.toContain('install our node backend');
  });

  it('switches back to an earlier choice without starting it again', async () => {
    const wasm = await initBackend('auto');
    expect(tf.getBackend()).toBe('wasm');
    expect(await initBackend('wasm')).toMatchObject({ name: 'wasm', reason: 'requested "wasm" (SIMD, 1 thread)' });
    expect(await initBackend('auto')).toBe(wasm);
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
