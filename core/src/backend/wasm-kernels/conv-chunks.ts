// Pieces shared by the im2col-based convolution kernels: how much heap the columns may take, a batch chunk's rows of
// a gradient, and a running sum over chunks.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { floatHeap, heapIndex, release, reshaped, runWasmKernel, sizeOf } from './wasm-heap.js';

/**
 * How many floats of columns a kernel builds at a time: 8 M (32 MB); larger batches go through im2col in chunks of
 * images. A setting rather than a constant so that tests can make chunks of one image.
 */
export const columnBudget = { floats: 8 * 1024 * 1024 };

/**
 * Images [first, first + images) of an NHWC tensor as a matrix [images·h·w, c]: the tensor itself when that is the
 * whole batch, else a copy of those rows. Release it after use.
 */
export function imageRows(backend: BackendWasm, x: tf.TensorInfo, first: number, images: number, batch: number): tf.TensorInfo {
  const [, height, width, channels] = x.shape;
  const rows = images * height * width;
  if (images === batch) return reshaped(backend, x, [rows, channels]);
  const copy = backend.makeOutput([rows, channels], 'float32');
  const perImage = sizeOf(x.shape) / batch;
  const from = heapIndex(backend, x) + first * perImage;
  floatHeap(backend).copyWithin(heapIndex(backend, copy), from, from + images * perImage);
  return copy;
}

/** total + partial with the wasm Add kernel, releasing both; the partial itself when there is no total yet. */
export function sumInto(backend: BackendWasm, total: tf.TensorInfo | undefined, partial: tf.TensorInfo): tf.TensorInfo {
  if (total === undefined) return partial;
  const sum = runWasmKernel(tf.Add, backend, { a: total, b: partial });
  release(backend, total, partial);
  return sum;
}
