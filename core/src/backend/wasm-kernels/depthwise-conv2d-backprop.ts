// The depthwise convolution's gradients for the wasm backend, which tfjs-backend-wasm lacks
// (DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput; SeparableConv2D reaches them too).
// A depthwise convolution has no product across channels to hand to a GEMM: each output channel c·M + m sees only
// input channel c, so both gradients are loops over the windows, reading and writing the tensors on the wasm heap.
// The inner loops run along channels, which are contiguous in NHWC. Dilations and strides as in the forward kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forEachWindowRow } from './conv-windows.js';
import { floatHeap, heapIndex, sizeOf, WASM, wasmBackendOf, type KernelArgs } from './wasm-heap.js';

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: WASM,
  kernelFunc: depthwiseFilterGradient,
};

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: WASM,
  kernelFunc: depthwiseInputGradient,
};

type Attrs = { strides: [number, number] | number; dilations: [number, number] | number; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

/** Calls visit(output pixel, input pixel, tap) for every filter tap of every window that falls inside the input. */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (output: number, input: number, tap: number) => void): void {
  forEachWindowRow(info, (output, kh, pixel, firstInside, endInside) => {
    for (let kw = firstInside; kw < endInside; kw++) visit(output, pixel + kw * info.dilationWidth, kh * info.filterWidth + kw);
  });
}

function convInfo(inputShape: number[], filterShape: number[], { strides, dilations, pad, dimRoundingMode }: Attrs) {
  return tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
}

/** dW[kh, kw, c, m] = Σ over batch and output pixels of x[input pixel, c] · dy[output pixel, c·M + m]. */
function depthwiseFilterGradient(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs & { filterShape: [number, number, number, number] };
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const channels = info.inChannels;
  const multiplier = info.outChannels / channels;
  const width = channels * multiplier;
  // Sums over every output pixel of the batch: accumulated in float64, as the cpu backend does.
  const sums = new Float64Array(sizeOf(attrs.filterShape));
  const dW = backend.makeOutput([...attrs.filterShape], 'float32');
  const heap = floatHeap(backend);
  const xAt = heapIndex(backend, x);
  const dyAt = heapIndex(backend, dy);
  forEachTap(info, (output, input, tap) => {
    const xRow = xAt + input * channels;
    const dyRow = dyAt + output * width;
    const wRow = tap * width;
    if (multiplier === 1) {
      for (let c = 0; c < channels; c++) sums[wRow + c] += heap[xRow + c] * heap[dyRow + c];
      return;
    }
    for (let c = 0; c < channels; c++) {
      const value = heap[xRow + c];
      for (let m = c * multiplier; m < (c + 1) * multiplier; m++) sums[wRow + m] += value * heap[dyRow + m];
    }
  });
  heap.set(sums, heapIndex(backend, dW));
  return dW;
}

/** dx[input pixel, c] = Σ over the windows that read it and over m of dy[output pixel, c·M + m] · W[tap, c, m]. */
function depthwiseInputGradient(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs & { inputShape: [number, number, number, number] };
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  fillInputGradient(backend, info, dy, filter, dx);
  return dx;
}

function fillInputGradient(backend: BackendWasm, info: tf.backend_util.Conv2DInfo, dy: tf.TensorInfo, filter: tf.TensorInfo, dx: tf.TensorInfo): void {
  const channels = info.inChannels;
  const multiplier = info.outChannels / channels;
  const width = channels * multiplier;
  // Each input pixel gathers at most kh·kw·M terms, so float32 accumulation in place loses nothing worth a copy.
  const heap = floatHeap(backend);
  const dxAt = heapIndex(backend, dx);
  const dyAt = heapIndex(backend, dy);
  const wAt = heapIndex(backend, filter);
  heap.fill(0, dxAt, dxAt + sizeOf(dx.shape));
  forEachTap(info, (output, input, tap) => {
    const dxRow = dxAt + input * channels;
    const dyRow = dyAt + output * width;
    const wRow = wAt + tap * width;
    if (multiplier === 1) {
      for (let c = 0; c < channels; c++) heap[dxRow + c] += heap[dyRow + c] * heap[wRow + c];
      return;
    }
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let m = c * multiplier; m < (c + 1) * multiplier; m++) sum += heap[dyRow + m] * heap[wRow + m];
      heap[dxRow + c] += sum;
    }
  });
}
