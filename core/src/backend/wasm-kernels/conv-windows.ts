// The walk every convolution-shaped kernel here makes: for each output pixel of a batch (NHWC) and each row of the
// filter window, where that row lies in the input. im2col, col2im and the depthwise gradients differ only in what
// they do with a row. A row rather than a tap at a time: with dilation 1 a row's taps are contiguous in the input,
// so im2col copies them in one move, and the walk's own cost is spread over kw taps.

/** Which images of the batch to walk: all by default, or a chunk of them. */
export interface ImageRange {
  readonly firstImage: number;
  readonly images: number;
}

/** What forEachWindowRow needs of tfjs's Conv2DInfo / pooling info. */
export interface WindowGeometry {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padInfo: { readonly top: number; readonly left: number };
}

/**
 * One row of one window: output pixel `output` (numbered from 0 at the range's first image), filter row `kh`, and
 * the input pixel (index in the whole batch) that tap kw = 0 would read. Only taps kw in [firstInside, endInside)
 * lie inside the image (the others read padding); a row entirely in the padding has firstInside = endInside = 0.
 * `pixel` itself may be any number, negative too, when tap 0 is outside.
 */
export type WindowRowVisitor = (output: number, kh: number, pixel: number, firstInside: number, endInside: number) => void;

/** Calls visit for every output pixel and every filter row, in row-major order. */
export function forEachWindowRow(info: WindowGeometry, visit: WindowRowVisitor, range: ImageRange = { firstImage: 0, images: info.batchSize }): void {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  let output = 0;
  for (let b = range.firstImage; b < range.firstImage + range.images; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++, output++) {
        const left = ow * strideWidth - padInfo.left;
        // Taps kw with 0 <= left + kw·dilation < inWidth.
        const firstInside = left >= 0 ? 0 : Math.ceil(-left / dilationWidth);
        const endInside = Math.min(filterWidth, Math.ceil((inWidth - left) / dilationWidth));
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = top + kh * dilationHeight;
          if (ih >= 0 && ih < inHeight) visit(output, kh, (b * inHeight + ih) * inWidth + left, firstInside, endInside);
          else visit(output, kh, 0, 0, 0);
        }
      }
    }
  }
}
