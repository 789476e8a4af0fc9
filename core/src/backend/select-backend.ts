// Chooses and starts the TensorFlow.js backend a run computes on, and says why (the reason is printed and recorded).
//   auto: @tensorflow/tfjs-node-gpu if installed and a GPU is usable, else @tensorflow/tfjs-node if installed, else
//   the embedded wasm backend. The native packages are optional: installing them downloads libtensorflow.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import { silenceNodeBanner, startCpuBackend } from './cpu-backend.js';
import { probeGpu } from './gpu-probe.js';
import { installedVersion } from './installed-package.js';
import { NATIVE_PACKAGES, startNativeBackend, type NativeBackendName } from './native-backend.js';
import { startWasmBackend, WASM_PACKAGE } from './wasm-backend.js';

export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';

export interface BackendChoice {
  name: 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';
  /** The npm package that provides it, and its installed version. */
  packageName: string;
  version: string;
  /** One line: why this backend, e.g. "auto: @tensorflow/tfjs-node not installed; using the embedded wasm backend…". */
  reason: string;
  /** wasm only: worker threads in use, and whether the SIMD build runs. */
  threads?: number;
  simd?: boolean;
}

export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

const TFJS_BACKEND: Record<BackendChoice['name'], string> = { wasm: 'wasm', cpu: 'cpu', tensorflow: 'tensorflow', 'tensorflow-gpu': 'tensorflow' };

const choices = new Map<BackendName, Promise<BackendChoice>>();

/**
 * Starts the requested backend and makes it tfjs's current one. Idempotent: a second call with the same name returns
 * the same choice without loading or registering anything again (it only switches back if another backend was
 * activated in between).
 *
 * @example
 *   const backend = await initBackend('auto');
 *   console.log(`backend ${backend.name} (${backend.reason})`);
 */
export async function initBackend(requested: BackendName = 'auto'): Promise<BackendChoice> {
  let pending = choices.get(requested);
  if (pending === undefined) {
    pending = chooseAndStart(requested);
    choices.set(requested, pending);
    pending.catch(() => choices.delete(requested));
  }
  const choice = await pending;
  if (tf.getBackend() !== TFJS_BACKEND[choice.name]) await tf.setBackend(TFJS_BACKEND[choice.name]);
  silenceNodeBanner();
  return choice;
}

async function chooseAndStart(requested: BackendName): Promise<BackendChoice> {
  switch (requested) {
    case 'auto':
      return chooseAutomatically();
    case 'wasm':
      return startWasm('requested "wasm"');
    case 'cpu':
      return { name: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu', version: await startCpuBackend(), reason: 'requested "cpu"' };
    case 'tensorflow':
    case 'tensorflow-gpu':
      return startRequestedNative(requested);
    default:
      throw new UserError(`unknown backend "${String(requested)}"; valid: ${BACKEND_NAMES.join(', ')}`);
  }
}

async function chooseAutomatically(): Promise<BackendChoice> {
  const skipped: string[] = [];
  for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
    const packageName = NATIVE_PACKAGES[name];
    const version = installedVersion(packageName);
    if (version === undefined) {
      skipped.push(`${packageName} not installed`);
      continue;
    }
    let found = 'installed';
    if (name === 'tensorflow-gpu') {
      const gpu = await probeGpu();
      if (!gpu.usable) {
        skipped.push(`${packageName} installed but no usable GPU (${gpu.detail})`);
        continue;
      }
      found = `installed and ${gpu.detail}`;
    }
    try {
      await startNativeBackend(name);
    } catch (error) {
      skipped.push(`${packageName} installed but failed to load (${firstLine(error)})`);
      continue;
    }
    return { name, packageName, version, reason: `auto: ${[...skipped, `using ${packageName} (${found})`].join('; ')}` };
  }
  return startWasm(`auto: ${skipped.join('; ')}; using the embedded wasm backend`);
}

async function startWasm(why: string): Promise<BackendChoice> {
  const { version, simd, threads } = await startWasmBackend();
  const build = `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return { name: 'wasm', packageName: WASM_PACKAGE, version, reason: `${why} (${build})`, simd, threads };
}

async function startRequestedNative(name: NativeBackendName): Promise<BackendChoice> {
  const packageName = NATIVE_PACKAGES[name];
  const version = installedVersion(packageName);
  // The native package must match the tfjs it plugs into, so the install command pins that version.
  const install = `npm install ${packageName}@${tf.version.tfjs}`;
  if (version === undefined) {
    throw new UserError(`backend "${name}" needs the optional package ${packageName}, which is not installed; run \`${install}\``);
  }
  try {
    await startNativeBackend(name);
  } catch (error) {
    throw new UserError(`backend "${name}": ${packageName} ${version} is installed but failed to load (${firstLine(error)}); reinstall it with \`${install}\``, {
      cause: error,
    });
  }
  let reason = `requested "${name}"`;
  if (name === 'tensorflow-gpu') {
    const gpu = await probeGpu();
    reason += gpu.usable ? ` (${gpu.detail})` : `; no usable GPU (${gpu.detail}), so TensorFlow runs on the CPU`;
  }
  return { name, packageName, version, reason };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
