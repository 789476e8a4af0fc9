// MaxPoolGrad for the wasm backend. tfjs-backend-wasm 4.22 has one, but it sends the gradient to the wrong element
// whenever the input has more than one channel (the conformance suite's pooling cases show it), so every CNN
// trained on wasm with max pooling would learn from wrong gradients. This one follows tfjs's definition (the cpu
// backend's): each window's gradient goes to the first maximum in row-major order, over the taps inside the input;
// a window with no value above -∞ (or only NaN) passes none. Loops run along channels, contiguous in NHWC.
import * as tf from '@tensorflow/tfjs';
import { floatHeap, heapIndex, sizeOf, WASM, wasmBackendOf, type KernelArgs } from './wasm-heap.js';

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: WASM,
  kernelFunc: maxPoolGrad,
};

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const dx = backend.makeOutput([...input.shape], 'float32');
  const heap = floatHeap(backend);
  const xAt = heapIndex(backend, input);
  const dyAt = heapIndex(backend, dy);
  const dxAt = heapIndex(backend, dx);
  heap.fill(0, dxAt, dxAt + sizeOf(input.shape));
  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  let output = dyAt;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++, output += channels) {
        const left = ow * strideWidth - padInfo.left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let ih = Math.max(top, 0); ih < Math.min(top + filterHeight, inHeight); ih++) {
          for (let iw = Math.max(left, 0); iw < Math.min(left + filterWidth, inWidth); iw++) {
            const pixel = (image + ih * inWidth + iw) * channels;
            for (let c = 0; c < channels; c++) {
              const value = heap[xAt + pixel + c];
              if (value > best[c]) {
                best[c] = value;
                where[c] = pixel + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) if (where[c] >= 0) heap[dxAt + where[c]] += heap[output + c];
      }
    }
  }
  return dx;
}
