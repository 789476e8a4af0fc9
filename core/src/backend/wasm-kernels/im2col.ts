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
 * Writes the transposed columns matrix [kh·kw·ci, images·oh·ow] at heap[colsT…] (one output pixel per column) from
 * the input laid out channel-major, [ci, batch, h, w] at heap[planes…] (`firstImage` selects where to start). The
 * filter gradient colsᵀ·dy then has the large matrix as its left operand, which the wasm matmul takes as it is, while
 * a large right operand is repacked by XNNPACK at every call (several times slower). Channel-major planes make each
 * row of the matrix a run of output columns reading one input row with the stride: sequential writes, no gather.
 */
export function im2colTransposed(heap: Float32Array, planes: number, colsT: number, { firstImage, images, info }: ConvGeometry): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const planeSize = inHeight * inWidth;
  let to = colsT;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // Output columns whose tap lies inside the image: left + ow·stride in [0, inWidth).
      const left = kw * dilationWidth - padInfo.left;
      const firstInside = Math.min(outWidth, left >= 0 ? 0 : Math.ceil(-left / strideWidth));
      const endInside = Math.max(firstInside, Math.min(outWidth, Math.ceil((inWidth - left) / strideWidth)));
      for (let c = 0; c < inChannels; c++) {
        for (let b = firstImage; b < firstImage + images; b++) {
          const plane = planes + (c * batchSize + b) * planeSize;
          for (let oh = 0; oh < outHeight; oh++, to += outWidth) {
            const ih = oh * strideHeight - padInfo.top + kh * dilationHeight;
            if (ih < 0 || ih >= inHeight) {
              heap.fill(0, to, to + outWidth);
              continue;
            }
            const row = plane + ih * inWidth + left;
            for (let ow = 0; ow < firstInside; ow++) heap[to + ow] = 0;
            for (let ow = firstInside; ow < endInside; ow++) heap[to + ow] = heap[row + ow * strideWidth];
            for (let ow = endInside; ow < outWidth; ow++) heap[to + ow] = 0;
          }
        }
      }
    }
  }
}

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
