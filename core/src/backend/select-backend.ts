// Chooses and starts the TensorFlow.js backend a run computes on, and says why (the reason is printed and recorded).
//   auto: @tensorflow/tfjs-node-gpu if installed and a GPU is usable, else @tensorflow/tfjs-node if installed, else
//   the embedded wasm backend. The native packages are optional: installing them downloads libtensorflow. Under
//   `auto` a native package that is installed but cannot start is skipped, and the reason says why; a backend asked
//   for by name is that backend or an error, never another one.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import { BackendStartError } from './backend-start-error.js';
import { silenceNodeBanner, startCpuBackend } from './cpu-backend.js';
import { probeGpu } from './gpu-probe.js';
import { DISTILL_PACKAGES_FROM, installedVersion } from './installed-package.js';
import { firstLine, NATIVE_PACKAGES, NativeBackendError, startNativeBackend, type NativeBackendName } from './native-backend.js';
import { resolveThreads, THREADS_LIMIT_ENV, type ThreadsChoice } from './threads.js';
import { startWasmBackend, WASM_PACKAGE } from './wasm-backend.js';

export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';

export interface BackendChoice {
  name: 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';
  /** The npm package that provides it, and its installed version. */
  packageName: string;
  version: string;
  /** One line: why this backend, e.g. "auto: @tensorflow/tfjs-node not installed; using the embedded wasm backend…". */
  reason: string;
  /** CPU threads it computes on (wasm and cpu: 1 in Node; tensorflow: its intra-op pool), and whether wasm runs SIMD. */
  threads?: number;
  simd?: boolean;
  /** Why it uses fewer threads than asked for (clamped to the cores or a sweep's share, or a one-thread backend). */
  warnings?: string[];
  /** auto only: installed native packages that could not start and were skipped (each also in `reason`). */
  problems: string[];
}

export interface BackendOptions {
  /** Directory the optional native packages are resolved from (as Node resolves them); default: distill's own. */
  readonly packagesFrom?: string;
  /** The manifest's `threads`: at most this many CPU threads (default: all cores, or a sweep's share of them). */
  readonly threads?: number;
}

/** Set beside TF_NUM_INTRAOP_THREADS when distill set it, not the user. */
const TF_THREADS_MARK = 'DISTILL_SET_TF_NUM_INTRAOP_THREADS';

/** The intra-op threads the native backend started with (libtensorflow reads them once, when it loads). */
let nativeThreads: number | undefined;

export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

const TFJS_BACKEND: Record<BackendChoice['name'], string> = { wasm: 'wasm', cpu: 'cpu', tensorflow: 'tensorflow', 'tensorflow-gpu': 'tensorflow' };

const choices = new Map<string, Promise<BackendChoice>>();
const finalChoices = new Map<string, BackendChoice>();

/**
 * Starts the requested backend and makes it tfjs's current one. Idempotent: a second call with the same name returns
 * the same choice without loading or registering anything again (it only switches back if another backend was
 * activated in between).
 *
 * @example
 *   const backend = await initBackend('auto');
 *   console.log(`backend ${backend.name} (${backend.reason})`);
 */
export async function initBackend(requested: BackendName = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  const from = options.packagesFrom ?? DISTILL_PACKAGES_FROM;
  const key = `${requested}\0${from}`;
  const wanted = resolveThreads(options.threads);
  let pending = choices.get(key);
  if (pending === undefined) {
    // libtensorflow sizes its intra-op pool from this variable when it loads. One the user set wins; one distill set
    // (here, or in a parent process: children inherit it) is distill's to change.
    const ours = process.env.TF_NUM_INTRAOP_THREADS === undefined || process.env[TF_THREADS_MARK] === '1';
    if (nativeThreads === undefined && ours) {
      process.env.TF_NUM_INTRAOP_THREADS = String(wanted.threads);
      process.env[TF_THREADS_MARK] = '1';
    }
    pending = chooseAndStart(requested, from);
    choices.set(key, pending);
    pending.catch(() => choices.delete(key));
  }
  const started = await pending;
  if (tf.getBackend() !== TFJS_BACKEND[started.name]) await tf.setBackend(TFJS_BACKEND[started.name]);
  silenceNodeBanner();
  // The same object for the same request (callers compare), with the threads it computes on.
  const finalKey = `${key}\0${options.threads ?? ''}\0${process.env[THREADS_LIMIT_ENV] ?? ''}`;
  let choice = finalChoices.get(finalKey);
  if (choice === undefined || choice.name !== started.name) {
    choice = withThreads(started, options.threads, wanted);
    finalChoices.set(finalKey, choice);
  }
  return choice;
}

function withThreads(choice: BackendChoice, asked: number | undefined, wanted: ThreadsChoice): BackendChoice {
  const warnings = wanted.warning ? [wanted.warning] : [];
  let threads = choice.threads ?? 1;
  if (choice.name === 'tensorflow' || choice.name === 'tensorflow-gpu') {
    nativeThreads ??= Number(process.env.TF_NUM_INTRAOP_THREADS) || wanted.threads;
    threads = nativeThreads;
    if (threads !== wanted.threads && !wanted.warning) {
      warnings.push(`threads: ${choice.name} started with ${threads} threads in this process (TF_NUM_INTRAOP_THREADS is read once, when it loads); using ${threads}`);
    }
  } else if (asked !== undefined && asked > 1) {
    warnings.push(`threads: the ${choice.name} backend computes on one thread in Node, so "threads": ${asked} does not apply to it (it does to the tensorflow backend, and to how a sweep divides the cores)`);
  }
  return { ...choice, threads, ...(warnings.length > 0 ? { warnings } : {}) };
}

async function chooseAndStart(requested: BackendName, from: string): Promise<BackendChoice> {
  switch (requested) {
    case 'auto':
      return chooseAutomatically(from);
    case 'wasm':
      return startWasm('requested "wasm"');
    case 'cpu':
      return { name: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu', version: await startCpuBackend(), reason: 'requested "cpu"', problems: [] };
    case 'tensorflow':
    case 'tensorflow-gpu':
      return startRequestedNative(requested, from);
    default:
      throw new UserError(`unknown backend "${String(requested)}"; valid: ${BACKEND_NAMES.join(', ')}`);
  }
}

async function chooseAutomatically(from: string): Promise<BackendChoice> {
  const skipped: string[] = [];
  const problems: string[] = [];
  for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
    const packageName = NATIVE_PACKAGES[name];
    const version = installedVersion(packageName, from);
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
      await startNativeBackend(name, version, from);
    } catch (error) {
      if (!(error instanceof NativeBackendError)) throw error;
      skipped.push(error.message);
      problems.push(error.message);
      continue;
    }
    return { name, packageName, version, reason: `auto: ${[...skipped, `using ${packageName} (${found})`].join('; ')}`, problems };
  }
  return startWasm(`auto: ${skipped.join('; ')}; using the embedded wasm backend`, problems);
}

async function startWasm(why: string, problems: string[] = []): Promise<BackendChoice> {
  const { version, simd, threads } = await startWasmBackend();
  const build = `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return { name: 'wasm', packageName: WASM_PACKAGE, version, reason: `${why} (${build})`, simd, threads, problems };
}

async function startRequestedNative(name: NativeBackendName, from: string): Promise<BackendChoice> {
  const packageName = NATIVE_PACKAGES[name];
  const version = installedVersion(packageName, from);
  // The native package must match the tfjs it plugs into, so the install command pins that version.
  const install = `npm install ${packageName}@${tf.version.tfjs}`;
  // Only the CPU package can be built from registry files (see docs/backends.md).
  const hint = name === 'tensorflow' ? 'where storage.googleapis.com is unreachable, `npm run setup:native` in a distill checkout builds it from npm and PyPI files' : undefined;
  if (version === undefined) {
    throw new UserError(`backend "${name}" needs the optional package ${packageName}, which is not installed; run \`${install}\``, { hint });
  }
  try {
    await startNativeBackend(name, version, from);
  } catch (error) {
    throw new BackendStartError(`backend "${name}": ${firstLine(error)}; reinstall it with \`${install}\`, or choose another backend (\`--set backend=auto\` falls back to wasm)`, {
      cause: error,
      hint,
    });
  }
  let reason = `requested "${name}"`;
  if (name === 'tensorflow-gpu') {
    const gpu = await probeGpu();
    reason += gpu.usable ? ` (${gpu.detail})` : `; no usable GPU (${gpu.detail}), so TensorFlow runs on the CPU`;
  }
  return { name, packageName, version, reason, problems: [] };
}
