// Conformance of 2-D convolutions: Conv2D forward (with dilation) and both gradients (Conv2DBackpropFilter and
// Conv2DBackpropInput), the fused conv + bias + relu that Keras-style layers use, the transposed convolution, and the
// backprop kernels called directly in NCHW.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { directOutcome, expectedOutcome } from './kernel-limits.js';
import { mismatches } from './compare-backends.js';
import { convGeometries, describeGeometry, isDilated, type ConvGeometry } from './conv-cases.js';

const filterShape = (g: ConvGeometry): [number, number, number, number] => [g.kernel[0], g.kernel[1], g.inChannels, g.outChannels];
const input = (g: ConvGeometry): [number, number, number, number] => [g.batch, g.height, g.width, g.inChannels];

describe('Conv2D: forward, and gradients of input and filter', () => {
  convGeometries(101, 10).forEach((g, i) => {
    it(describeGeometry(g), async () => {
      const found = await mismatches(
        {
          name: 'conv2d',
          inputs: [{ shape: input(g) }, { shape: filterShape(g) }],
          f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, g.strides, g.pad, 'NHWC', g.dilations),
          // tfjs has no gradient for dilated convolutions on any backend: forward only.
          wrt: isDilated(g) ? [] : [0, 1],
        }, 1000 + i,
      );
      expect(found).toEqual([]);
    });
  });
});

describe('fused conv2d with bias and relu (what a Conv2D layer runs)', () => {
  convGeometries(202, 4, { dilated: false }).forEach((g, i) => {
    it(describeGeometry(g), async () => {
      const found = await mismatches(
        {
          name: 'fused conv2d',
          inputs: [{ shape: input(g) }, { shape: filterShape(g) }, { shape: [g.outChannels] }],
          f: (x, w, bias) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: g.strides, pad: g.pad, bias, activation: 'relu' }),
        }, 2000 + i,
      );
      expect(found).toEqual([]);
    });
  });
});

describe('conv2dTranspose (Conv2DBackpropInput as a forward pass) and its gradients', () => {
  convGeometries(303, 4, { dilated: false }).forEach((g, i) => {
    it(describeGeometry(g), async () => {
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros(input(g)) as tf.Tensor4D, tf.zeros(filterShape(g)) as tf.Tensor4D, g.strides, g.pad).shape);
      const found = await mismatches(
        {
          name: 'conv2dTranspose',
          inputs: [{ shape: outShape }, { shape: filterShape(g) }],
          f: (dy, w) => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, input(g) as [number, number, number, number], g.strides, g.pad),
        }, 3000 + i,
      );
      expect(found).toEqual([]);
    });
  });
});

describe('Conv2DBackpropFilter and Conv2DBackpropInput called directly, NCHW and explicit padding', () => {
  const geometries = convGeometries(404, 2, { dilated: false });
  geometries.forEach((g, i) => {
    const nchw = [g.batch, g.inChannels, g.height, g.width];
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(input(g)) as tf.Tensor4D, tf.zeros(filterShape(g)) as tf.Tensor4D, g.strides, g.pad).shape);
    const dyNchw = [outShape[0], outShape[3], outShape[1], outShape[2]];
    it(`filter gradient, NCHW: ${describeGeometry(g)}`, async () => {
      const attrs = { strides: g.strides, pad: g.pad, dataFormat: 'NCHW', filterShape: filterShape(g) };
      const found = await directOutcome(
        'conv NCHW',
        { name: 'dW NCHW', inputs: [{ shape: nchw }, { shape: dyNchw }], f: (x, dy) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor, wrt: [] }, 4000 + i,
      );
      expect(found).toEqual(expectedOutcome('conv NCHW'));
    });
    it(`input gradient, NCHW: ${describeGeometry(g)}`, async () => {
      const attrs = { strides: g.strides, pad: g.pad, dataFormat: 'NCHW', inputShape: nchw };
      const found = await directOutcome(
        'conv NCHW',
        { name: 'dx NCHW', inputs: [{ shape: dyNchw }, { shape: filterShape(g) }], f: (dy, filter) => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs) as tf.Tensor, wrt: [] }, 4100 + i,
      );
      expect(found).toEqual(expectedOutcome('conv NCHW'));
    });
  });

  for (const [strides, pad] of [
    [2, [[0, 0], [1, 2], [2, 0], [0, 0]]],
    [1, [[0, 0], [2, 0], [1, 1], [0, 0]]],
    [1, [[0, 0], [4, 1], [0, 3], [0, 0]]],
  ] as [number, tf.backend_util.ExplicitPadding][]) {
    it(`explicit padding ${JSON.stringify(pad)}, strides ${strides}: forward and both gradients`, async () => {
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
      const found = await directOutcome('conv explicit padding', { name: 'explicit padding', inputs: [{ shape: [2, 9, 8, 3] }, { shape: [3, 3, 3, 4] }], f }, 4200 + strides);
      expect(found).toEqual(expectedOutcome('conv explicit padding'));
    });
  }
});

// A ResNet's projection shortcut: a 1×1 convolution with stride 2. libtensorflow 2.9.1's filter gradient for it
// corrupted the heap and aborted the process (batch 1 on 28×28 and 14×14, batch 3 on 28×28); distill computes it
// on the native backend as one matrix product (native-kernel-fixes.ts).
describe('1×1 convolutions with strides, forward and both gradients', () => {
  for (const [shape, strides, pad] of [
    [[1, 28, 28, 8], 2, 'same'],
    [[1, 14, 14, 16], 2, 'same'],
    [[3, 28, 28, 8], 2, 'same'],
    [[2, 9, 7, 3], [2, 3], 'valid'],
  ] as [number[], number | [number, number], 'same' | 'valid'][]) {
    it(`x [${shape}] strides ${strides} ${pad}`, async () => {
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
      const found = await mismatches({ name: '1×1 strided', inputs: [{ shape }, { shape: [1, 1, shape[3], 16] }], f }, 4300 + shape[1]);
      expect(found).toEqual([]);
    });
  }
});
