// The walk every convolution-shaped kernel here makes: for each output pixel of a batch (NHWC) and each filter tap,
// the input pixel that tap reads, or -1 when it falls into the padding. im2col, col2im and the depthwise gradients
// differ only in what they do at each tap.
import type { backend_util } from '@tensorflow/tfjs';

/** Which images of the batch to walk: all by default, or a chunk of them. */
export interface ImageRange {
  readonly firstImage: number;
  readonly images: number;
}

/**
 * Calls visit(output, input, tap) for every output pixel (numbered from 0 at `firstImage`), every tap (kh·kw + kw)
 * in row-major order, with the input pixel's index in the whole batch, or -1 for a tap in the padding.
 */
export function forEachTap(
  info: backend_util.Conv2DInfo,
  visit: (output: number, input: number, tap: number) => void,
  { firstImage, images }: ImageRange = { firstImage: 0, images: info.batchSize },
): void {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  let output = 0;
  for (let b = firstImage; b < firstImage + images; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++, output++) {
        const left = ow * strideWidth - padInfo.left;
        for (let kh = 0, tap = 0; kh < filterHeight; kh++) {
          const ih = top + kh * dilationHeight;
          const inside = ih >= 0 && ih < inHeight;
          for (let kw = 0; kw < filterWidth; kw++, tap++) {
            const iw = left + kw * dilationWidth;
            visit(output, inside && iw >= 0 && iw < inWidth ? (b * inHeight + ih) * inWidth + iw : -1, tap);
          }
        }
      }
    }
  }
}
