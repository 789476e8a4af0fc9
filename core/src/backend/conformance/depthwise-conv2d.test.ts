// Conformance of depthwise and separable convolutions: DepthwiseConv2dNative forward (with dilation), its gradients
// (DepthwiseConv2dNativeBackpropFilter / Input) through the op and called directly with dilations, channel
// multipliers 1 and 2, and separableConv2d (depthwise then pointwise), what a SeparableConv2D layer runs.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { directOutcome, expectedOutcome } from './kernel-limits.js';
import { mismatches } from './compare-backends.js';
import { convGeometries, describeGeometry, isDilated, type ConvGeometry } from './conv-cases.js';

/** Depthwise filters are [kh, kw, ci, multiplier]; the case's outChannels picks a multiplier of 1 or 2. */
const multiplier = (g: ConvGeometry) => 1 + (g.outChannels % 2);
const filterShape = (g: ConvGeometry): [number, number, number, number] => [g.kernel[0], g.kernel[1], g.inChannels, multiplier(g)];
const input = (g: ConvGeometry): [number, number, number, number] => [g.batch, g.height, g.width, g.inChannels];
// tfjs's depthwise conv takes equal strides only.
const square = (g: ConvGeometry): ConvGeometry => ({ ...g, strides: [g.strides[1], g.strides[1]] });
const describeDepthwise = (g: ConvGeometry) => `${describeGeometry(g)}, multiplier ${multiplier(g)}`;

describe('DepthwiseConv2dNative: forward, and gradients of input and filter', () => {
  convGeometries(505, 10).map(square).forEach((g, i) => {
    it(describeDepthwise(g), async () => {
      const found = await mismatches(
        {
          name: 'depthwiseConv2d',
          inputs: [{ shape: input(g) }, { shape: filterShape(g) }],
          f: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, g.strides as [number, number], g.pad, 'NHWC', g.dilations),
          wrt: isDilated(g) ? [] : [0, 1],
        }, 5000 + i,
      );
      expect(found).toEqual([]);
    });
  });
});

// tfjs's gradients never pass dilations above 1 to these kernels (they refuse dilated convolutions), and the cpu
// backend's kernels ignore the attribute, so the reference is an identity instead: a filter dilated by d equals the
// undilated filter with d − 1 zeros between its taps. dx is the undilated kernel's on that zero-filled filter, and dW
// is every d-th tap of the undilated kernel's gradient for the zero-filled filter's shape.
describe('depthwise backprop kernels called directly, with dilations', () => {
  convGeometries(606, 3).map(square).filter(isDilated).forEach((g, i) => {
    const outShape = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(input(g)) as tf.Tensor4D, tf.zeros(filterShape(g)) as tf.Tensor4D, 1, g.pad, 'NHWC', g.dilations).shape);
    const [dh, dw] = g.dilations;
    const dilatedShape = [(g.kernel[0] - 1) * dh + 1, (g.kernel[1] - 1) * dw + 1, g.inChannels, multiplier(g)];
    const undilated = { strides: 1, dilations: 1, pad: g.pad };
    it(`filter gradient: ${describeDepthwise(g)}`, async () => {
      const attrs = { strides: 1, dilations: g.dilations, pad: g.pad, filterShape: filterShape(g) };
      const found = await directOutcome(
        'depthwise backprop dilated',
        {
          name: 'depthwise dW',
          inputs: [{ shape: input(g) }, { shape: outShape }],
          f: (x, dy) => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, attrs) as tf.Tensor,
          reference: (x, dy) => {
            const full = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...undilated, filterShape: dilatedShape }) as tf.Tensor;
            return tf.stridedSlice(full, [0, 0, 0, 0], dilatedShape, [dh, dw, 1, 1]);
          },
          wrt: [],
        }, 6000 + i,
      );
      expect(found).toEqual(expectedOutcome('depthwise backprop dilated'));
    });
    it(`input gradient: ${describeDepthwise(g)}`, async () => {
      const attrs = { strides: 1, dilations: g.dilations, pad: g.pad, inputShape: input(g) };
      const found = await directOutcome(
        'depthwise backprop dilated',
        {
          name: 'depthwise dx',
          inputs: [{ shape: outShape }, { shape: filterShape(g) }],
          f: (dy, filter) => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, attrs) as tf.Tensor,
          reference: (dy, filter) => {
            const zeroFilled = withZerosBetweenTaps(filter, dh, dw).slice([0, 0, 0, 0], dilatedShape);
            return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: zeroFilled }, { ...undilated, inputShape: input(g) }) as tf.Tensor;
          },
          wrt: [],
        }, 6100 + i,
      );
      expect(found).toEqual(expectedOutcome('depthwise backprop dilated'));
    });
  });
});

/** [kh, kw, c, m] → [kh·dh, kw·dw, c, m] with each tap followed by dh − 1 zero rows and dw − 1 zero columns. */
function withZerosBetweenTaps(filter: tf.Tensor, dh: number, dw: number): tf.Tensor {
  const [kh, kw, c, m] = filter.shape;
  const spread = tf.pad(filter.reshape([kh, 1, kw, 1, c, m]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return spread.reshape([kh * dh, kw * dw, c, m]);
}

describe('separableConv2d: gradients of input, depthwise and pointwise filters', () => {
  convGeometries(707, 3, { dilated: false }).map(square).forEach((g, i) => {
    it(describeDepthwise(g), async () => {
      const pointwise = [1, 1, g.inChannels * multiplier(g), g.outChannels];
      const found = await mismatches(
        {
          name: 'separableConv2d',
          inputs: [{ shape: input(g) }, { shape: filterShape(g) }, { shape: pointwise }],
          f: (x, depthwise, point) => tf.separableConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, point as tf.Tensor4D, g.strides as [number, number], g.pad),
        }, 7000 + i,
      );
      expect(found).toEqual([]);
    });
  });
});
