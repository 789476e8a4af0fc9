// Weight quantization as TensorFlow.js stores it, so that stock `tf.loadLayersModel` reads the files: a weight entry of
// the weights manifest may carry `quantization: { dtype, scale, min }` (uint8, uint16: value = q · scale + min) or
// `quantization: { dtype: 'float16' }`, and tfjs-core's `decodeWeights` turns it back into float32. tfjs-core can read
// these files but its encoder cannot write them, hence this module. The decoder reads one scale and one min per weight
// entry: affine quantization is per tensor (a per-channel scale is not something stock tfjs can load).
//
// Affine ranges include 0 and are nudged so that 0 is exactly representable (as the tfjs converter does): a pruned
// weight stays exactly 0 after quantization, and all of them share one byte value, which compresses well.

export type QuantizationMode = 'float32' | 'float16' | 'uint16' | 'uint8';

/** What the weights manifest says about one quantized weight. */
export type QuantizationSpec = { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number } | { readonly dtype: 'float16' };

export interface QuantizedWeight {
  /** The stored bytes (1, 2 or 4 per value). */
  readonly bytes: Uint8Array;
  /** Absent when the weight stays float32. */
  readonly quantization?: QuantizationSpec;
}

export interface AffineQuantized {
  readonly values: Uint8Array | Uint16Array;
  readonly scale: number;
  readonly min: number;
}

/** Why a weight cannot be quantized in `mode`, or undefined when it can. */
export function unquantizableReason(values: Float32Array, dtype: string, mode: QuantizationMode): string | undefined {
  if (mode === 'float32') return undefined;
  if (dtype !== 'float32') return `its dtype is ${dtype}; tfjs dequantizes float32 weights only`;
  let largest = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) return `it holds ${v} (non-finite values have no ${mode} code)`;
    largest = Math.max(largest, Math.abs(v));
  }
  if (mode === 'float16' && largest > FLOAT16_MAX) return `its largest magnitude ${largest} exceeds float16's maximum ${FLOAT16_MAX}`;
  return undefined;
}

/** `values` as `mode` stores them; float32 weights are stored as they are. */
export function quantizeWeight(values: Float32Array, mode: QuantizationMode): QuantizedWeight {
  if (mode === 'float32') return { bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  if (mode === 'float16') return { bytes: asBytes(toFloat16Bits(values)), quantization: { dtype: 'float16' } };
  const { values: codes, scale, min } = affineQuantize(values, mode);
  return { bytes: asBytes(codes), quantization: { dtype: mode, scale, min } };
}

/**
 * Affine quantization to `bits` (8 or 16): the range [min(0, x), max(0, x)] is cut into 2^bits - 1 steps of `scale`,
 * `min` moved to the nearest multiple of `scale` so that 0 is a code; q = round((clip(x, min, max) - min) / scale).
 */
export function affineQuantize(values: Float32Array, dtype: 'uint8' | 'uint16'): AffineQuantized {
  const levels = dtype === 'uint8' ? 255 : 65535;
  let low = 0;
  let high = 0;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  // An all-zero weight: any scale decodes it exactly.
  const scale = high > low ? (high - low) / levels : 1;
  const zero = Math.round(-low / scale);
  const min = -zero * scale;
  const max = min + levels * scale;
  const codes = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const clipped = Math.min(max, Math.max(min, values[i]));
    codes[i] = roundHalfToEven((clipped - min) / scale);
  }
  return { values: codes, scale, min };
}

export const FLOAT16_MAX = 65504;

/** IEEE 754 half-precision bits of each value, rounded to nearest, ties to even (as numpy's astype(float16)). */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    out[i] = float32BitsToFloat16Bits(u32[0]);
  }
  return out;
}

function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf, NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (halfExponent <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit 1, rounding to nearest even.
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(full, shift);
  }
  // Normal: 13 mantissa bits dropped; a carry out of the mantissa correctly bumps the exponent.
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** value >> shift, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function asBytes(array: Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
