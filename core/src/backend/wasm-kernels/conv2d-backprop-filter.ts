// Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm lacks: the gradient of a convolution's filter,
// dW = colsᵀ·dy, with the columns built by im2col on the heap and the product run by the wasm matmul (XNNPACK).
// It is computed as (dyᵀ·cols)ᵀ: transposing the large columns matrix costs more than the product itself (40 ms
// against 9 ms for a batch of 64 28×28×16 images), while dy and the result are small and XNNPACK packs cols as it is.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2col, imagesPerChunk, patchSize } from './im2col.js';
import { COLUMN_BUDGET_FLOATS, imageRows, sumInto } from './conv-chunks.js';
import { floatHeap, heapIndex, release, reshaped, runWasmKernel, toChannelsLast, WASM, wasmBackendOf, type KernelArgs } from './wasm-heap.js';

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter,
};

function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs & { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat !== 'NCHW') return filterGradient(backend, x, dy, attrs);
  // The filter is [kh, kw, ci, co] in both layouts; only the activations need channels last.
  const xLast = toChannelsLast(backend, x);
  const dyLast = toChannelsLast(backend, dy);
  try {
    return filterGradient(backend, xLast, dyLast, attrs);
  } finally {
    release(backend, xLast, dyLast);
  }
}

function filterGradient(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: tf.Conv2DBackpropFilterAttrs): tf.TensorInfo {
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const columns = patchSize(info);
  const pixels = info.outHeight * info.outWidth;
  const chunk = imagesPerChunk(info, COLUMN_BUDGET_FLOATS);
  let total: tf.TensorInfo | undefined;
  for (let first = 0; first < info.batchSize; first += chunk) {
    const images = Math.min(chunk, info.batchSize - first);
    const cols = backend.makeOutput([images * pixels, columns], 'float32');
    const dyRows = imageRows(backend, dy, first, images, info.batchSize);
    im2col(floatHeap(backend), heapIndex(backend, x), heapIndex(backend, cols), { firstImage: first, images, info });
    const dyT = runWasmKernel(tf.Transpose, backend, { x: dyRows }, { perm: [1, 0] });
    const partial = runWasmKernel(tf.BatchMatMul, backend, { a: dyT, b: cols }, { transposeA: false, transposeB: false });
    release(backend, cols, dyRows, dyT);
    total = sumInto(backend, total, partial);
  }
  const gradientT = reshaped(backend, total!, [info.outChannels, columns]);
  const gradient = runWasmKernel(tf.Transpose, backend, { x: gradientT }, { perm: [1, 0] });
  release(backend, total, gradientT);
  const result = reshaped(backend, gradient, [...filterShape]);
  release(backend, gradient);
  return result;
}
