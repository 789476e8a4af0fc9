// Quantization against numpy (test/reference/quantization.py), and read back by tfjs-core's own decoder.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { affineQuantize, quantizeWeight, toFloat16Bits, unquantizableReason } from './quantize-weights.js';

interface Affine { codes: number[]; scale: number; min: number; decoded: number[] }
interface Case { name: string; input: number[]; uint8: Affine; uint16: Affine; float16: { bits: number[]; decoded: number[] } }

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/golden/quantization.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('affine quantization and float16, as numpy computes them', () => {
  for (const c of fixture.cases) {
    const values = Float32Array.from(c.input);
    for (const dtype of ['uint8', 'uint16'] as const) {
      it(`${c.name}: ${dtype} codes, scale and min`, () => {
        const q = affineQuantize(values, dtype);
        expect(Array.from(q.values)).toEqual(c[dtype].codes);
        expect(q.scale).toBeCloseTo(c[dtype].scale, 15);
        expect(q.min).toBeCloseTo(c[dtype].min, 15);
      });
      it(`${c.name}: ${dtype} decoded by tfjs-core's decodeWeights as numpy decodes it`, () => {
        const stored = quantizeWeight(values, dtype);
        const spec = { name: 'w', shape: [values.length], dtype: 'float32' as const, quantization: stored.quantization };
        const decoded = tf.io.decodeWeights(stored.bytes.slice().buffer, [spec]).w;
        expect(Array.from(decoded.dataSync())).toEqual(c[dtype].decoded);
        decoded.dispose();
      });
    }
    it(`${c.name}: float16 bits, and tfjs decodes them as numpy does`, () => {
      expect(Array.from(toFloat16Bits(values))).toEqual(c.float16.bits);
      const stored = quantizeWeight(values, 'float16');
      const decoded = tf.io.decodeWeights(stored.bytes.slice().buffer, [{ name: 'w', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } }]).w;
      expect(Array.from(decoded.dataSync())).toEqual(c.float16.decoded.map((v) => (Object.is(v, -0) ? -0 : v)));
      decoded.dispose();
    });
  }

  it('keeps pruned zeros exactly zero in every mode', () => {
    const pruned = fixture.cases.find((c) => c.name === 'pruned weights')!;
    const zeros = pruned.input.flatMap((v, i) => (v === 0 ? [i] : []));
    expect(zeros.length).toBe(40);
    for (const dtype of ['uint8', 'uint16'] as const) for (const i of zeros) expect(pruned[dtype].decoded[i]).toBe(0);
  });
});

describe('weights that cannot be quantized', () => {
  it('names the reason: non-finite values, float16 overflow, a dtype tfjs does not dequantize', () => {
    expect(unquantizableReason(Float32Array.of(1, NaN), 'float32', 'uint8')).toMatch(/NaN/);
    expect(unquantizableReason(Float32Array.of(1, Infinity), 'float32', 'float16')).toMatch(/Infinity/);
    expect(unquantizableReason(Float32Array.of(1e6), 'float32', 'float16')).toMatch(/exceeds float16's maximum 65504/);
    expect(unquantizableReason(Float32Array.of(1e6), 'float32', 'uint8')).toBeUndefined();
    expect(unquantizableReason(Float32Array.of(1), 'int32', 'uint16')).toMatch(/dtype is int32/);
    expect(unquantizableReason(Float32Array.of(NaN), 'float32', 'float32')).toBeUndefined();
  });
});
