// Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm lacks: the gradient of a convolution's filter,
// dW = colsᵀ·dy, with the columns built already transposed by im2col on the heap and the product run by the wasm
// matmul (XNNPACK) without transposes: the wasm Transpose kernel would take longer than the product (31 ms against
// 2 ms for a batch of 64 28×28×8 images), and XNNPACK repacks its right operand at every call, so that is dy.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2colTransposed, imagesPerChunk, patchSize } from './im2col.js';
import { columnBudget, imageRows, sumInto } from './conv-chunks.js';
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
  const chunk = imagesPerChunk(info, columnBudget.floats);
  // The input channel-major, [ci, batch, h, w], once for all chunks (see im2colTransposed).
  const planes = runWasmKernel(tf.Transpose, backend, { x }, { perm: [3, 0, 1, 2] });
  let total: tf.TensorInfo | undefined;
  for (let first = 0; first < info.batchSize; first += chunk) {
    const images = Math.min(chunk, info.batchSize - first);
    const colsT = backend.makeOutput([columns, images * pixels], 'float32');
    const dyRows = imageRows(backend, dy, first, images, info.batchSize);
    im2colTransposed(floatHeap(backend), heapIndex(backend, planes), heapIndex(backend, colsT), { firstImage: first, images, info });
    const partial = runWasmKernel(tf.BatchMatMul, backend, { a: colsT, b: dyRows }, { transposeA: false, transposeB: false });
    release(backend, colsT, dyRows);
    total = sumInto(backend, total, partial);
  }
  const result = reshaped(backend, total!, [...filterShape]);
  release(backend, total, planes);
  return result;
}
