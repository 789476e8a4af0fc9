// im2col and col2im for channels-last (NHWC) convolutions: a convolution is a matrix product between the "columns"
// matrix (one row per output pixel, holding the input patch it sees, [kh, kw, ci] flattened) and the filter
// reshaped to [kh·kw·ci, co]. The filter gradient is colsᵀ·dy and the input gradient is col2im(dy·filterᵀ), so both
// run on the wasm backend's GEMM. These loops only move floats within the wasm heap; they index one Float32Array
// (the whole heap) by element offsets.
import type { backend_util } from '@tensorflow/tfjs';
import { forEachWindowRow } from './conv-windows.js';

/** Where a convolution's windows lie: tfjs's Conv2DInfo, for `images` images starting at `firstImage`. */
export interface ConvGeometry {
  readonly firstImage: number;
  readonly images: number;
  readonly info: backend_util.Conv2DInfo;
}

/** Columns per output pixel: kh·kw·ci. */
export const patchSize = ({ filterHeight, filterWidth, inChannels }: backend_util.Conv2DInfo) => filterHeight * filterWidth * inChannels;

/**
 * Writes the transposed columns matrix [kh·kw·ci, images·oh·ow] at heap[colsT…] from the NHWC input at heap[x…] (the
 * whole batch; `firstImage` selects where to start): one output pixel per column. The filter gradient colsᵀ·dy then has the large matrix as its left operand, which the wasm matmul
 * takes as it is, while a large right operand is repacked by XNNPACK at every call (several times slower).
 * Rows are written in runs of PIXEL_BLOCK output pixels, so the writes are sequential and the input pixels a run
 * reads stay in cache while each channel's row is written. Taps in the padding read `zeros`, ci zero floats on the
 * heap, which keeps the copy loop free of branches.
 */
export function im2colTransposed(heap: Float32Array, x: number, colsT: number, zeros: number, { firstImage, images, info }: ConvGeometry): void {
  const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const pixels = images * outHeight * outWidth;
  // Each output pixel's window corner and image, computed once rather than once per tap.
  const tops = new Int32Array(pixels);
  const lefts = new Int32Array(pixels);
  const bases = new Int32Array(pixels);
  for (let b = 0, p = 0; b < images; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, p++) {
        tops[p] = oh * strideHeight - padInfo.top;
        lefts[p] = ow * strideWidth - padInfo.left;
        bases[p] = (firstImage + b) * inHeight;
      }
    }
  }
  const source = new Int32Array(PIXEL_BLOCK);
  for (let start = 0; start < pixels; start += PIXEL_BLOCK) {
    const count = Math.min(PIXEL_BLOCK, pixels - start);
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        // Where each output pixel of the run reads this tap: the element index of its channel 0.
        for (let j = 0; j < count; j++) {
          const ih = tops[start + j] + kh * dilationHeight;
          const iw = lefts[start + j] + kw * dilationWidth;
          source[j] = ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth ? x + ((bases[start + j] + ih) * inWidth + iw) * channels : zeros;
        }
        for (let c = 0, row = colsT + (kh * filterWidth + kw) * channels * pixels + start; c < channels; c++, row += pixels) {
          for (let j = 0; j < count; j++) heap[row + j] = heap[source[j] + c];
        }
      }
    }
  }
}

/** Output pixels per run of im2colTransposed: its reads (≤ 1024 pixels × ci floats) stay in the L1/L2 caches. */
const PIXEL_BLOCK = 1024;

/**
 * Adds the columns matrix [images·oh·ow, kh·kw·ci] at heap[cols…] back into the NHWC tensor at heap[dx…] (which the
 * caller has zeroed): each tap's value goes to the input pixel it was read from. Taps in the padding are dropped.
 */
export function col2im(heap: Float32Array, cols: number, dx: number, { firstImage, images, info }: ConvGeometry): void {
  const { inChannels: channels, filterWidth, dilationWidth } = info;
  const rowWidth = filterWidth * channels;
  forEachWindowRow(
    info,
    (output, kh, pixel, firstInside, endInside) => {
      const from = cols + (output * info.filterHeight + kh) * rowWidth;
      if (dilationWidth === 1) {
        // The row's taps are contiguous in dx too: one run of (endInside − firstInside)·ci floats.
        const to = dx + (pixel + firstInside) * channels;
        const start = from + firstInside * channels;
        for (let i = 0, n = (endInside - firstInside) * channels; i < n; i++) heap[to + i] += heap[start + i];
        return;
      }
      for (let kw = firstInside; kw < endInside; kw++) {
        const to = dx + (pixel + kw * dilationWidth) * channels;
        for (let c = 0; c < channels; c++) heap[to + c] += heap[from + kw * channels + c];
      }
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
