// AvgPoolGrad for the cpu and wasm backends. tfjs 4.22's own kernel (cpu, and the stock wasm one) divides every
// window's gradient by the full window size, while its forward AvgPool divides by the number of taps inside the input:
// with `same` padding the windows on the border average fewer values, so their gradient came out too small (measured:
// off by up to 0.47 on a 5×6 input, against the exact gradient of the forward pass). libtensorflow gets it right, so
// the conformance suite caught it by comparing the native backend with the cpu one. This kernel is the exact
// gradient of tfjs's forward pass: each window's upstream gradient, divided by the window's count of taps inside the
// input, goes to each of those taps.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { floatHeap, heapIndex, sizeOf, wasmBackendOf, type KernelArgs } from './wasm-kernels/wasm-heap.js';

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/** dx from dy, both NHWC, read and written at offsets of two arrays (the wasm heap, or plain arrays). */
export function avgPoolGradInto(dy: Float32Array, dyAt: number, dx: Float32Array, dxAt: number, info: PoolInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  dx.fill(0, dxAt, dxAt + batchSize * inHeight * inWidth * channels);
  let output = dyAt;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      const [rowStart, rowEnd] = [Math.max(top, 0), Math.min(top + filterHeight, inHeight)];
      for (let ow = 0; ow < outWidth; ow++, output += channels) {
        const left = ow * strideWidth - padInfo.left;
        const [colStart, colEnd] = [Math.max(left, 0), Math.min(left + filterWidth, inWidth)];
        const count = (rowEnd - rowStart) * (colEnd - colStart);
        if (count <= 0) continue;
        for (let ih = rowStart; ih < rowEnd; ih++) {
          for (let iw = colStart; iw < colEnd; iw++) {
            const pixel = dxAt + (image + ih * inWidth + iw) * channels;
            for (let c = 0; c < channels; c++) dx[pixel + c] += dy[output + c] / count;
          }
        }
      }
    }
  }
}

function poolInfo(args: KernelArgs, input: tf.TensorInfo): PoolInfo {
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.AvgPoolGradAttrs & { dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  return tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

/** On the wasm heap: dy is read and dx written in place, no copies. */
function avgPoolGradWasm(args: KernelArgs): tf.TensorInfo {
  const backend: BackendWasm = wasmBackendOf(args);
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const dx = backend.makeOutput([...input.shape], 'float32');
  const heap = floatHeap(backend);
  avgPoolGradInto(heap, heapIndex(backend, dy), heap, heapIndex(backend, dx), poolInfo(args, input));
  return dx;
}

function avgPoolGradCpu(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo };
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const dx = new Float32Array(sizeOf(input.shape));
  avgPoolGradInto(backend.readSync(dy.dataId) as Float32Array, 0, dx, 0, poolInfo(args, input));
  return backend.makeTensorInfo([...input.shape], 'float32', dx);
}

export const avgPoolGradWasmConfig: tf.KernelConfig = { kernelName: tf.AvgPoolGrad, backendName: 'wasm', kernelFunc: avgPoolGradWasm };
export const avgPoolGradCpuConfig: tf.KernelConfig = { kernelName: tf.AvgPoolGrad, backendName: 'cpu', kernelFunc: avgPoolGradCpu };

/** Replaces the cpu backend's AvgPoolGrad with the exact one (idempotent). */
export function installCpuAvgPoolGrad(): void {
  const current = tf.getKernel(tf.AvgPoolGrad, 'cpu');
  if (current?.kernelFunc === avgPoolGradCpu) return;
  if (current !== undefined) tf.unregisterKernel(tf.AvgPoolGrad, 'cpu');
  tf.registerKernel(avgPoolGradCpuConfig);
}
