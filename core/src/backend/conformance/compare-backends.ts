// Runs one computation, its forward value and its gradients, on two backends with the same inputs and reports every
// output that differs by more than the tolerance. The comparison is relative to the reference output's largest
// magnitude: max |actual − expected| ≤ 1e-4 · max |expected|. Different backends sum in different orders, so an
// element that cancels to near zero may differ in its own leading digits while agreeing to float32 rounding at the
// scale of the tensor; a wrong index, a missing tap or a wrong sign changes errors at that scale.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../random/seeded-random.js';
import { backendReady, REFERENCE_BACKEND } from './backend-under-test.js';

export const RELATIVE_TOLERANCE = 1e-4;

export interface InputSpec {
  readonly shape: number[];
  readonly dtype?: 'float32' | 'int32';
  /** Fixed values (indices, segment ids); random normal floats from the case's seed otherwise. */
  readonly values?: ArrayLike<number>;
}

export interface ConformanceCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  /** The computation; it must return one tensor. */
  readonly f: (...inputs: tf.Tensor[]) => tf.Tensor;
  /** Which inputs to differentiate (default: every float32 input; [] for forward only). */
  readonly wrt?: readonly number[];
  /**
   * What the reference backend computes instead of `f`, when its own kernel cannot serve as the reference (an
   * identity that gives the same values from kernels checked elsewhere).
   */
  readonly reference?: (...inputs: tf.Tensor[]) => tf.Tensor;
}

export interface Mismatch {
  readonly output: string;
  readonly maxError: number;
  readonly scale: number;
}

type Outputs = Map<string, { shape: number[]; values: Float32Array | Int32Array }>;

/** The largest absolute difference relative to the expected values' largest magnitude (NaN anywhere: Infinity). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): { maxError: number; scale: number; relative: number } {
  if (actual.length !== expected.length) return { maxError: Infinity, scale: 0, relative: Infinity };
  let maxError = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(error)) return { maxError: NaN, scale, relative: Infinity };
    maxError = Math.max(maxError, error);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const relative = maxError === 0 ? 0 : scale === 0 ? Infinity : maxError / scale;
  return { maxError, scale, relative };
}

/** Every output of the case (forward, then d/d input i) where the backend under test differs from cpu. */
export async function mismatches(testCase: ConformanceCase, seed: number): Promise<Mismatch[]> {
  return compareBackends(testCase, await backendReady(), REFERENCE_BACKEND, seed);
}

/** Every output of the case (forward, then d/d input i) where `backend` differs from `reference`. */
export async function compareBackends(testCase: ConformanceCase, backend: string, reference: string, seed: number): Promise<Mismatch[]> {
  const data = testCase.inputs.map((spec, i) => inputValues(spec, seed + i));
  const expected = await outputsOn(reference, { ...testCase, f: testCase.reference ?? testCase.f }, data, seed);
  const actual = await outputsOn(backend, testCase, data, seed);
  const mismatches: Mismatch[] = [];
  for (const [output, { shape, values }] of expected) {
    const got = actual.get(output);
    if (!got || got.shape.join() !== shape.join()) {
      mismatches.push({ output: `${output} shape [${got?.shape ?? 'missing'}] vs [${shape}]`, maxError: Infinity, scale: 0 });
      continue;
    }
    const { maxError, scale, relative } = relativeError(got.values, values);
    if (!(relative <= RELATIVE_TOLERANCE)) mismatches.push({ output, maxError, scale });
  }
  return mismatches;
}

function inputValues(spec: InputSpec, seed: number): Float32Array | Int32Array {
  const size = spec.shape.reduce((product, d) => product * d, 1);
  if (spec.values) return spec.dtype === 'int32' ? Int32Array.from(spec.values) : Float32Array.from(spec.values);
  const random = seededRandom(seed * 7919 + 13);
  return Float32Array.from({ length: size }, () => random.normal());
}

async function outputsOn(backend: string, testCase: ConformanceCase, data: (Float32Array | Int32Array)[], seed: number): Promise<Outputs> {
  await tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`could not switch to backend ${backend}`);
  const wrt = testCase.wrt ?? testCase.inputs.flatMap((spec, i) => ((spec.dtype ?? 'float32') === 'float32' ? [i] : []));
  const outputs: Outputs = new Map();
  const read = (name: string, t: tf.Tensor) => outputs.set(name, { shape: t.shape, values: t.dataSync() as Float32Array | Int32Array });
  tf.tidy(() => {
    const inputs = testCase.inputs.map((spec, i) => tf.tensor(data[i], spec.shape, spec.dtype ?? 'float32'));
    const value = testCase.f(...inputs);
    read('forward', value);
    if (wrt.length === 0) return;
    // The same upstream gradient on both backends, drawn once the output's shape is known.
    const dy = tf.tensor(inputValues({ shape: value.shape }, seed + 1000), value.shape);
    const gradients = tf.grads((...differentiated: tf.Tensor[]) => {
      const all = inputs.map((input, i) => (wrt.includes(i) ? differentiated[wrt.indexOf(i)] : input));
      return testCase.f(...all);
    })(wrt.map((i) => inputs[i]), dy);
    gradients.forEach((gradient, j) => read(`d/d input ${wrt[j]}`, gradient));
  });
  return outputs;
}
