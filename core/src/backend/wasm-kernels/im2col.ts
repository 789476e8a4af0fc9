// im2col and col2im for channels-last (NHWC) convolutions: a convolution is a matrix product between the "columns"
// matrix (one row per output pixel, holding the input patch it sees, [kh, kw, ci] flattened) and the filter
// reshaped to [kh·kw·ci, co]. The filter gradient is colsᵀ·dy and the input gradient is col2im(dy·filterᵀ), so both
// run on the wasm backend's GEMM. These loops only move floats within the wasm heap; they index one Float32Array
// (the whole heap) by element offsets, so a copy between two tensors can use copyWithin.
import type { backend_util } from '@tensorflow/tfjs';
import { forEachTap } from './conv-windows.js';

/** Where a convolution's windows lie: tfjs's Conv2DInfo, for `images` images starting at `firstImage`. */
export interface ConvGeometry {
  readonly firstImage: number;
  readonly images: number;
  readonly info: backend_util.Conv2DInfo;
}

/** Channels copied element by element below this count; copyWithin above (a call costs more than a few moves). */
const COPY_WITHIN_FROM = 8;

/** Columns per output pixel: kh·kw·ci. */
export const patchSize = ({ filterHeight, filterWidth, inChannels }: backend_util.Conv2DInfo) => filterHeight * filterWidth * inChannels;

/**
 * Writes the columns matrix [images·oh·ow, kh·kw·ci] at heap[cols…] from the NHWC input at heap[x…] (the whole
 * batch; `firstImage` selects where to start). Taps that fall into the padding are zeros.
 */
export function im2col(heap: Float32Array, x: number, cols: number, { firstImage, images, info }: ConvGeometry): void {
  const channels = info.inChannels;
  const row = patchSize(info);
  forEachTap(
    info,
    (output, input, tap) => {
      const to = cols + output * row + tap * channels;
      const from = x + input * channels;
      if (input < 0) heap.fill(0, to, to + channels);
      else if (channels >= COPY_WITHIN_FROM) heap.copyWithin(to, from, from + channels);
      else for (let c = 0; c < channels; c++) heap[to + c] = heap[from + c];
    },
    { firstImage, images },
  );
}

/**
 * Adds the columns matrix [images·oh·ow, kh·kw·ci] at heap[cols…] back into the NHWC tensor at heap[dx…] (which the
 * caller has zeroed): each tap's value goes to the input pixel it was read from. Taps in the padding are dropped.
 */
export function col2im(heap: Float32Array, cols: number, dx: number, { firstImage, images, info }: ConvGeometry): void {
  const channels = info.inChannels;
  const row = patchSize(info);
  forEachTap(
    info,
    (output, input, tap) => {
      if (input < 0) return;
      const from = cols + output * row + tap * channels;
      const to = dx + input * channels;
      for (let c = 0; c < channels; c++) heap[to + c] += heap[from + c];
    },
    { firstImage, images },
  );
}

/**
 * How many images to put through im2col at once so the columns matrix stays under `maxFloats` (at least one image):
 * a batch of 128 CIFAR-size images at 64 channels would otherwise need 300 MB of columns.
 */
export function imagesPerChunk(info: backend_util.Conv2DInfo, maxFloats: number): number {
  const perImage = info.outHeight * info.outWidth * patchSize(info);
  return Math.max(1, Math.min(info.batchSize, Math.floor(maxFloats / perImage)));
}
