// UnsortedSegmentSum for the wasm backend, which tfjs-backend-wasm lacks: the gradient of a gather, so of every
// Embedding layer. out[id] = Σ of the rows of x whose segment id is id; ids outside [0, numSegments) are dropped,
// as TensorFlow and the cpu backend do. One pass over x on the wasm heap (the cpu backend makes a pass per segment).
import * as tf from '@tensorflow/tfjs';
import { elementHeap, intView, sizeOf, WASM, wasmBackendOf, type KernelArgs } from './wasm-heap.js';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: WASM,
  kernelFunc: unsortedSegmentSum,
};

function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  // The segment ids index x's leading axes (TensorFlow's semantics); each id selects a row of the rest.
  const rows = sizeOf(segmentIds.shape);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = sizeOf(rowShape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const values = elementHeap(backend, x.dtype);
  const ids = intView(backend, segmentIds);
  const xAt = backend.getMemoryOffset(x.dataId) / values.BYTES_PER_ELEMENT;
  const outAt = backend.getMemoryOffset(out.dataId) / values.BYTES_PER_ELEMENT;
  values.fill(0, outAt, outAt + numSegments * rowSize);
  for (let row = 0; row < rows; row++) {
    const id = ids[row];
    if (id < 0 || id >= numSegments) continue;
    const from = xAt + row * rowSize;
    const to = outAt + id * rowSize;
    for (let j = 0; j < rowSize; j++) values[to + j] += values[from + j];
  }
  return out;
}
