// Conv2DBackpropInput for the wasm backend: the gradient of a convolution's input (and the forward pass of a
// transposed convolution). It replaces tfjs-backend-wasm's own kernel, a direct scalar loop that is several times
// slower on training shapes. With stride 1 the input gradient is itself a convolution, of dy with the filter rotated
// by 180° and its channel axes swapped, which the wasm Conv2D kernel (XNNPACK) computes fastest; with larger strides,
// dx = col2im(dy·Wᵀ), the product on the wasm matmul (XNNPACK) and the scatter on the heap.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { col2im, imagesPerChunk, patchSize } from './im2col.js';
import { columnBudget, imageRows } from './conv-chunks.js';
import { floatHeap, heapIndex, release, reshaped, runWasmKernel, sizeOf, toChannelsFirst, toChannelsLast, WASM, wasmBackendOf, type KernelArgs } from './wasm-heap.js';

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: WASM,
  kernelFunc: conv2DBackpropInput,
};

function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (attrs.dataFormat !== 'NCHW') return inputGradient(backend, dy, filter, attrs.inputShape, attrs);
  const [batch, channels, height, width] = attrs.inputShape;
  const dyLast = toChannelsLast(backend, dy);
  const dxLast = inputGradient(backend, dyLast, filter, [batch, height, width, channels], attrs);
  try {
    return toChannelsFirst(backend, dxLast);
  } finally {
    release(backend, dyLast, dxLast);
  }
}

function inputGradient(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  inputShape: [number, number, number, number],
  { strides, pad, dimRoundingMode }: tf.Conv2DBackpropInputAttrs,
): tf.TensorInfo {
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1;
  // Padding wider than the filter (explicit padding) would need negative padding in the convolution.
  const narrowPadding = info.padInfo.top < info.filterHeight && info.padInfo.left < info.filterWidth;
  return stride1 && narrowPadding ? asConvolution(backend, dy, filter, info) : throughColumns(backend, dy, filter, info);
}

/**
 * Stride 1: dx[i] = Σ_k dy[i + pt − k]·W[k] is a correlation of dy with W flipped in space ([kh, kw, co, ci]),
 * padded by kh − 1 − pt above and by the rows dy lacks below (h − oh + pt); likewise for columns.
 */
function asConvolution(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  const flipped = runWasmKernel(tf.Reverse, backend, { x: filter }, { dims: [0, 1] });
  const rotated = runWasmKernel(tf.Transpose, backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  const pad = [
    [0, 0],
    [filterHeight - 1 - padInfo.top, inHeight - outHeight + padInfo.top],
    [filterWidth - 1 - padInfo.left, inWidth - outWidth + padInfo.left],
    [0, 0],
  ];
  try {
    return runWasmKernel(tf.Conv2D, backend, { x: dy, filter: rotated }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  } finally {
    release(backend, flipped, rotated);
  }
}

/** Any stride: dx = col2im(dy·Wᵀ), in chunks of images. */
function throughColumns(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const inputShape = info.inShape;
  const columns = patchSize(info);
  const dx = backend.makeOutput([...inputShape], 'float32');
  floatHeap(backend).fill(0, heapIndex(backend, dx), heapIndex(backend, dx) + sizeOf(inputShape));
  const weights = reshaped(backend, filter, [columns, info.outChannels]);
  const chunk = imagesPerChunk(info, columnBudget.floats);
  try {
    for (let first = 0; first < info.batchSize; first += chunk) {
      const images = Math.min(chunk, info.batchSize - first);
      const dyRows = imageRows(backend, dy, first, images, info.batchSize);
      const cols = runWasmKernel(tf.BatchMatMul, backend, { a: dyRows, b: weights }, { transposeA: false, transposeB: true });
      col2im(floatHeap(backend), heapIndex(backend, cols), heapIndex(backend, dx), { firstImage: first, images, info });
      release(backend, dyRows, cols);
    }
  } finally {
    release(backend, weights);
  }
  return dx;
}
