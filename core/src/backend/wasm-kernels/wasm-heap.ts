// What the training kernels need from the wasm backend: typed views of tensors on its heap, its own kernels to call,
// and intermediates freed as soon as a kernel is done with them. Data never leaves the heap.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const WASM = 'wasm';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The wasm backend a kernel was called with. */
export const wasmBackendOf = (args: KernelArgs) => args.backend as unknown as BackendWasm;

/**
 * The whole heap as floats, indexed by heapIndex. Take it after the last allocation of a kernel: allocating may grow
 * the wasm memory, which detaches every view taken before.
 */
export const floatHeap = (backend: BackendWasm) => new Float32Array(heapBuffer(backend));

/** The index of a float32 (or int32) tensor's first element in floatHeap. */
export const heapIndex = (backend: BackendWasm, x: tf.TensorInfo) => backend.getMemoryOffset(x.dataId) / 4;

// tfjs-backend-wasm's module type leaves out Emscripten's heap views, which the module has.
const heapBuffer = (backend: BackendWasm) => (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;

/** The whole heap as elements of a dtype (float32, int32, bool), indexed by byte offset / element size; same caveat. */
export function elementHeap(backend: BackendWasm, dtype: tf.DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return new Float32Array(heapBuffer(backend));
  if (dtype === 'int32') return new Int32Array(heapBuffer(backend));
  if (dtype === 'bool') return new Uint8Array(heapBuffer(backend));
  throw new Error(`distill's wasm kernels do not handle dtype ${dtype}`);
}

/** A fresh int32 view of a tensor (segment ids); same caveat as floatHeap. */
export function intView(backend: BackendWasm, x: tf.TensorInfo): Int32Array {
  return new Int32Array(heapBuffer(backend), backend.getMemoryOffset(x.dataId), sizeOf(x.shape));
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((product, d) => product * d, 1);

/** Runs one of the wasm backend's registered kernels (the transpose-fixed matmul, Transpose, Add, …) in place. */
export function runWasmKernel(name: string, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  const kernel = tf.getKernel(name, WASM);
  if (kernel === undefined) throw new Error(`the wasm backend has no '${name}' kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs }) as tf.TensorInfo;
}

/** The same data under another shape of the same size (what the Reshape kernel does), sharing the buffer. */
export function reshaped(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Frees intermediates (each holds one reference to its buffer). */
export function release(backend: BackendWasm, ...infos: (tf.TensorInfo | undefined)[]): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId);
}

/** NCHW ↔ NHWC through the wasm Transpose kernel: the kernels below compute channels-last only. */
export const toChannelsLast = (backend: BackendWasm, x: tf.TensorInfo) => runWasmKernel(tf.Transpose, backend, { x }, { perm: [0, 2, 3, 1] });
export const toChannelsFirst = (backend: BackendWasm, x: tf.TensorInfo) => runWasmKernel(tf.Transpose, backend, { x }, { perm: [0, 3, 1, 2] });
