// initBackend: explicit choices in this process; every branch of `auto` and every native-package fault against
// stand-in packages in a temporary node_modules, each in a child process (a stand-in registers a backend globally).
// Nothing here depends on whether the real @tensorflow/tfjs-node is installed in this checkout.
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUserError } from '../errors.js';
import { initBackend, type BackendName } from './select-backend.js';
import { isWasmMatMulFixInstalled } from './wasm-matmul-fix.js';
import {
  coreSource,
  INIT_FAILURE,
  LOAD_FAILURE,
  PATH_WITHOUT_NVIDIA_SMI,
  runInChild,
  STAND_IN_VERSION,
  standInNvidiaSmi,
  standInProject,
  type StandIn,
} from '../../../test/support/stand-in-backends.js';

const require = createRequire(import.meta.url);
const packageVersion = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
const WASM_VERSION = packageVersion('@tensorflow/tfjs-backend-wasm');
const TFJS_VERSION = packageVersion('@tensorflow/tfjs');
const WASM_BUILD = '(SIMD, 1 thread)';
const SETUP_HINT = '  hint: where storage.googleapis.com is unreachable, `npm run setup:native` in a distill checkout builds it from npm and PyPI files';

/** A directory with no node_modules: no native package resolves from it. */
const nothingInstalled = () => mkdtempSync(join(tmpdir(), 'distill-no-packages-'));

interface ChildOutcome {
  choice?: { name: string; packageName: string; version: string; reason: string; problems: string[] };
  error?: { name: string; message: string; exitCode: number };
  /** After initBackend: tfjs's current backend, 1·3 + 2·4 computed on it (unless it failed), and which stand-ins were loaded. */
  backend: string;
  product: number | null;
  standIns: string[];
}

/** initBackend(requested) in a fresh process that resolves native packages from a stand-in project. */
async function initInChild(requested: BackendName, packages: Parameters<typeof standInProject>[0], path = PATH_WITHOUT_NVIDIA_SMI) {
  const script = `
const tf = await import(${JSON.stringify(require.resolve('@tensorflow/tfjs'))});
const { initBackend } = await import(${JSON.stringify(coreSource('backend/select-backend.ts'))});
let outcome = {};
try {
  outcome.choice = await initBackend(${JSON.stringify(requested)}, { packagesFrom: ${JSON.stringify(standInProject(packages))} });
} catch (error) {
  outcome.error = { name: error.name, message: error.message, exitCode: error.exitCode };
}
outcome.backend = tf.getBackend();
outcome.product = outcome.error ? null : tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
outcome.standIns = globalThis.distillStandIns ?? [];
report(outcome);`;
  return runInChild<ChildOutcome>(script, { PATH: path });
}

describe('initBackend in this process', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('auto falls back to the embedded wasm backend when no native package is installed, and says so', async () => {
    const choice = await initBackend('auto', { packagesFrom: nothingInstalled() });

    expect(choice).toEqual({
      name: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      version: WASM_VERSION,
      simd: true, // Node >= 16 validates WebAssembly SIMD
      threads: 1, // tfjs does not start wasm worker threads under Node
      reason: `auto: @tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed; using the embedded wasm backend ${WASM_BUILD}`,
      problems: [],
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(isWasmMatMulFixInstalled()).toBe(true);
    expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()).toEqual(new Float32Array([11]));
  });

  it('returns the same choice on a second call', async () => {
    const first = await initBackend('wasm');
    const kernel = tf.getKernel('BatchMatMul', 'wasm');
    const backend = tf.backend();
    expect(await initBackend('wasm')).toBe(first);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(kernel); // the kernel override was not registered again
    expect(tf.backend()).toBe(backend);
  });

  it.each([
    ['tensorflow', '@tensorflow/tfjs-node', `\n${SETUP_HINT}`],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu', ''],
  ] as const)('asking for "%s" while %s is not installed is a user error (exit 2) naming the exact install command', async (name, packageName, hint) => {
    await initBackend('wasm');
    const error = await initBackend(name, { packagesFrom: nothingInstalled() }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as { exitCode: number }).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      `backend "${name}" needs the optional package ${packageName}, which is not installed; run \`npm install ${packageName}@${TFJS_VERSION}\`${hint}`,
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
    const wasm = await initBackend('wasm');
    expect(wasm).toMatchObject({ name: 'wasm', reason: `requested "wasm" ${WASM_BUILD}` });
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe(wasm);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('auto with stand-in native packages', () => {
  const gpuListed = () => standInNvidiaSmi('GPU 0: Stand-in A100 (UUID: GPU-0000)');
  const noGpuListed = () => standInNvidiaSmi('No devices found.');

  it('picks @tensorflow/tfjs-node when it is installed and works', async () => {
    const { value, stderr } = await initInChild('auto', { '@tensorflow/tfjs-node': 'working' });
    expect(value.choice).toEqual({
      name: 'tensorflow',
      packageName: '@tensorflow/tfjs-node',
      version: STAND_IN_VERSION,
      reason: 'auto: @tensorflow/tfjs-node-gpu not installed; using @tensorflow/tfjs-node (installed)',
      problems: [],
      threads: availableParallelism(), // all cores by default
    });
    expect(value).toMatchObject({ backend: 'tensorflow', product: 11, standIns: ['@tensorflow/tfjs-node'] });
    expect(stderr).toBe('');
  });

  it('picks @tensorflow/tfjs-node-gpu when it is installed and nvidia-smi lists a GPU', async () => {
    const { value } = await initInChild('auto', { '@tensorflow/tfjs-node-gpu': 'working', '@tensorflow/tfjs-node': 'working' }, gpuListed());
    expect(value.choice).toMatchObject({
      name: 'tensorflow-gpu',
      packageName: '@tensorflow/tfjs-node-gpu',
      reason: 'auto: using @tensorflow/tfjs-node-gpu (installed and GPU 0: Stand-in A100 (UUID: GPU-0000))',
    });
    expect(value).toMatchObject({ backend: 'tensorflow', product: 11, standIns: ['@tensorflow/tfjs-node-gpu'] });
  });

  it('skips @tensorflow/tfjs-node-gpu without a usable GPU (nvidia-smi lists none) and takes @tensorflow/tfjs-node', async () => {
    const { value } = await initInChild('auto', { '@tensorflow/tfjs-node-gpu': 'working', '@tensorflow/tfjs-node': 'working' }, noGpuListed());
    expect(value.choice).toMatchObject({
      name: 'tensorflow',
      reason: 'auto: @tensorflow/tfjs-node-gpu installed but no usable GPU (nvidia-smi lists no GPU); using @tensorflow/tfjs-node (installed)',
      problems: [],
    });
    expect(value.standIns).toEqual(['@tensorflow/tfjs-node']); // the GPU package was not even loaded
  });

  it('skips @tensorflow/tfjs-node-gpu when there is no nvidia-smi at all, and falls back to wasm', async () => {
    const { value } = await initInChild('auto', { '@tensorflow/tfjs-node-gpu': 'working' }, PATH_WITHOUT_NVIDIA_SMI);
    expect(value.choice).toMatchObject({
      name: 'wasm',
      reason: `auto: @tensorflow/tfjs-node-gpu installed but no usable GPU (nvidia-smi not found); @tensorflow/tfjs-node not installed; using the embedded wasm backend ${WASM_BUILD}`,
    });
    expect(value).toMatchObject({ backend: 'wasm', product: 11, standIns: [] });
  });

  it.each<[StandIn, string]>([
    ['fails-to-load', `@tensorflow/tfjs-node ${STAND_IN_VERSION} is installed but failed to load: ${LOAD_FAILURE}`],
    ['fails-to-initialise', `@tensorflow/tfjs-node ${STAND_IN_VERSION} is installed but its 'tensorflow' backend failed to initialise: ${INIT_FAILURE}`],
    [
      'registers-nothing',
      `@tensorflow/tfjs-node ${STAND_IN_VERSION} is installed but registered no 'tensorflow' backend with distill's @tensorflow/tfjs ${TFJS_VERSION} (is it using another copy of @tensorflow/tfjs?)`,
    ],
  ])('falls back to wasm when @tensorflow/tfjs-node %s, and says why', async (kind, why) => {
    const { value, stderr } = await initInChild('auto', { '@tensorflow/tfjs-node': kind });
    expect(value.choice).toEqual({
      name: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      version: WASM_VERSION,
      simd: true,
      threads: 1,
      reason: `auto: @tensorflow/tfjs-node-gpu not installed; ${why}; using the embedded wasm backend ${WASM_BUILD}`,
      problems: [why],
    });
    expect(value).toMatchObject({ backend: 'wasm', product: 11 });
    expect(stderr).not.toContain('Initialization of backend'); // tfjs's own warning became the reason instead
  });
});

describe('a native backend asked for by name', () => {
  const reinstall = `reinstall it with \`npm install @tensorflow/tfjs-node@${TFJS_VERSION}\`, or choose another backend (\`--set backend=auto\` falls back to wasm)`;

  it.each<[StandIn, string]>([
    ['fails-to-load', `failed to load: ${LOAD_FAILURE}`],
    ['fails-to-initialise', `its 'tensorflow' backend failed to initialise: ${INIT_FAILURE}`],
  ])('never falls back: @tensorflow/tfjs-node that %s is an error (exit 1) naming the package and what to do', async (kind, why) => {
    const { value } = await initInChild('tensorflow', { '@tensorflow/tfjs-node': kind });
    expect(value.choice).toBeUndefined();
    expect(value.error).toEqual({
      name: 'BackendStartError',
      message: `backend "tensorflow": @tensorflow/tfjs-node ${STAND_IN_VERSION} is installed but ${why}; ${reinstall}\n${SETUP_HINT}`,
      exitCode: 1,
    });
  });

  it('starts it when it works, even with a better one installed', async () => {
    const { value } = await initInChild('tensorflow', { '@tensorflow/tfjs-node': 'working', '@tensorflow/tfjs-node-gpu': 'working' }, standInNvidiaSmi('GPU 0: Stand-in'));
    expect(value.choice).toEqual({ name: 'tensorflow', packageName: '@tensorflow/tfjs-node', version: STAND_IN_VERSION, reason: 'requested "tensorflow"', problems: [], threads: availableParallelism() });
    expect(value).toMatchObject({ backend: 'tensorflow', product: 11, standIns: ['@tensorflow/tfjs-node'] });
  });

  it('"tensorflow-gpu" without a usable GPU starts and says that TensorFlow runs on the CPU', async () => {
    const { value } = await initInChild('tensorflow-gpu', { '@tensorflow/tfjs-node-gpu': 'working' }, PATH_WITHOUT_NVIDIA_SMI);
    expect(value.choice).toMatchObject({
      name: 'tensorflow-gpu',
      reason: 'requested "tensorflow-gpu"; no usable GPU (nvidia-smi not found), so TensorFlow runs on the CPU',
    });
    expect(value).toMatchObject({ backend: 'tensorflow', product: 11 });
  });
});
