// Registers, for the wasm backend, the kernels a training step needs that tfjs-backend-wasm 4.x lacks, computes
// slowly or computes wrongly: convolution filter and input gradients (im2col + the wasm matmul), depthwise
// convolution gradients, the max- and average-pooling gradients, Tile (in every batch normalization's gradient),
// UnsortedSegmentSum (the gradient of a gather, i.e. of an Embedding layer), and distill's fused optimizer updates
// (optimizer-updates.ts). Installed by startWasmBackend, after
// the matmul transpose fix, whose fast paths the convolution gradients use.
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig, depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { avgPoolGradWasmConfig } from '../avg-pool-grad.js';
import { fusedAdamConfig, fusedMomentumConfig, fusedRMSPropConfig } from './optimizer-updates.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { WASM } from './wasm-heap.js';

/** Every kernel distill registers for wasm, in the order they are registered. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  maxPoolGradConfig,
  avgPoolGradWasmConfig,
  tileConfig,
  unsortedSegmentSumConfig,
  fusedAdamConfig,
  fusedMomentumConfig,
  fusedRMSPropConfig,
];

/** The stock kernels replaced (tfjs-backend-wasm has them, slower), kept to put back. */
const replaced = new Map<string, tf.KernelConfig>();
let installed = false;

/**
 * Registers the training kernels for wasm, replacing the stock kernel where tfjs-backend-wasm has a slower one.
 * Idempotent. The wasm backend must be registered (import '@tensorflow/tfjs-backend-wasm') first.
 */
export function installWasmTrainingKernels(): void {
  if (installed) return;
  for (const config of WASM_TRAINING_KERNELS) {
    const stock = tf.getKernel(config.kernelName, WASM);
    if (stock !== undefined) {
      replaced.set(config.kernelName, stock);
      tf.unregisterKernel(config.kernelName, WASM);
    }
    tf.registerKernel(config);
  }
  installed = true;
}

/** Takes the kernels out again and puts the replaced stock ones back (for comparisons and benchmarks). */
export function uninstallWasmTrainingKernels(): void {
  if (!installed) return;
  for (const config of WASM_TRAINING_KERNELS) {
    tf.unregisterKernel(config.kernelName, WASM);
    const stock = replaced.get(config.kernelName);
    if (stock === undefined) continue;
    tf.registerKernel(stock);
    // tfjs sets a kernel up when its backend starts; one put back later must bind its wasm exports itself.
    const backend = tf.findBackend(WASM);
    if (backend !== null) stock.setupFunc?.(backend);
  }
  replaced.clear();
  installed = false;
}
