// Starts the embedded WebAssembly backend: binaries from the package's own directory, SIMD when the runtime has it,
// the transpose fix for its matmul kernels, and the training kernels it lacks (wasm-kernels/).
import * as tf from '@tensorflow/tfjs';
import { packageMainDir } from './installed-package.js';
import { installWasmMatMulFix } from './wasm-matmul-fix.js';
import { installWasmTrainingKernels } from './wasm-kernels/install-wasm-training-kernels.js';

export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

export interface WasmBackendInfo {
  version: string;
  simd: boolean;
  threads: number;
}

let pathsSet = false;

/**
 * Registers and activates tfjs's 'wasm' backend. In Node, tfjs picks the binary itself: the SIMD build when
 * WebAssembly SIMD validates (Node >= 16), never the threaded one (tfjs turns multithreading off under Node, and its
 * worker script is a blob: URL that Node's Worker refuses), so it runs on one thread.
 */
export async function startWasmBackend(): Promise<WasmBackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!pathsSet) {
    // The default location is the directory of the loaded script, which is wrong once distill is bundled.
    wasm.setWasmPaths(packageMainDir(WASM_PACKAGE));
    pathsSet = true;
  }
  installWasmMatMulFix();
  installWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) {
    throw new Error(`the wasm backend failed to initialise (${WASM_PACKAGE} ${wasm.version_wasm}); see the message above`);
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return { version: wasm.version_wasm, simd, threads: wasm.getThreadsCount() };
}
