// Conv2DBackpropInput for the wasm backend: the gradient of a convolution's input (and the forward pass of a
// transposed convolution), dx = col2im(dy·Wᵀ), the product on the wasm matmul (XNNPACK) and the scatter on the heap.
// It replaces tfjs-backend-wasm's own kernel, a direct scalar loop that is several times slower on training shapes.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { col2im, imagesPerChunk, patchSize } from './im2col.js';
import { COLUMN_BUDGET_FLOATS, imageRows } from './conv-chunks.js';
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
  const columns = patchSize(info);
  const dx = backend.makeOutput([...inputShape], 'float32');
  floatHeap(backend).fill(0, heapIndex(backend, dx), heapIndex(backend, dx) + sizeOf(inputShape));
  const weights = reshaped(backend, filter, [columns, info.outChannels]);
  const chunk = imagesPerChunk(info, COLUMN_BUDGET_FLOATS);
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
