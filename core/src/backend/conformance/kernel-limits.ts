// What a backend refuses, or computes differently, among the kernel attributes the suite calls kernels with directly
// (NCHW data, explicit padding, dilations passed to the backprop kernels, segment ids out of range). tfjs's layers and
// gradients never reach these attributes (Keras layers run NHWC with `same`/`valid` padding, and tfjs refuses
// gradients of dilated convolutions on every backend), so models are unaffected; distill's wasm kernels handle them
// all, which the suite checks. For a backend with a limit, the suite asserts the limit itself — the kernel refuses
// with libtensorflow's message, or its values differ — so a release that lifts one fails here and the entry goes.
import { mismatches, type ConformanceCase, type Mismatch } from './compare-backends.js';
import { backendUnderTest } from './backend-under-test.js';

export type DirectKernelUse = 'conv NCHW' | 'conv explicit padding' | 'depthwise backprop dilated' | 'segment ids out of range';

/**
 * How a backend falls short for a use: it always refuses, with this message; or (`refusesSome`) it refuses some
 * geometries with it and agrees on the others; or (`disagrees`) it refuses with it or gives values that differ.
 */
type Limit = { readonly refused: RegExp } | { readonly refusesSome: RegExp } | { readonly disagrees: RegExp };

// libtensorflow 2.9.1's CPU kernels, as @tensorflow/tfjs-node 4.22 calls them (measured with `npm run setup:native`).
const LIMITS: Partial<Record<string, Partial<Record<DirectKernelUse, Limit>>>> = {
  tensorflow: {
    // Conv2D on CPU is NHWC only; its oneDNN path fails to build a primitive for some NCHW geometries.
    'conv NCHW': { refusesSome: /strides in the batch and depth dimensions|could not create a descriptor/ },
    'conv explicit padding': { refused: /supports only 'valid' and 'same' padding while padding was EXPLICIT/ },
    // oneDNN cannot build most dilated depthwise backprop primitives; with `same` padding and a channel multiplier
    // above 1 it builds one that gives wrong values.
    'depthwise backprop dilated': { disagrees: /could not create a descriptor for a dilated convolution/ },
    // TensorFlow checks segment ids where tfjs drops those out of range.
    'segment ids out of range': { refused: /is out of range/ },
  },
};

/** The backend agrees with the reference (its mismatches, empty), or shows its known limit, or did something else. */
export type Outcome = { readonly mismatches: readonly Mismatch[] } | { readonly refused: string } | { readonly knownLimit: string };

/** What a direct use of a kernel gives on the backend under test, with a known limit recognised as such. */
export async function directOutcome(use: DirectKernelUse, testCase: ConformanceCase, seed: number): Promise<Outcome> {
  const limit = LIMITS[backendUnderTest()]?.[use];
  let found: Outcome;
  try {
    found = { mismatches: await mismatches(testCase, seed) };
  } catch (error) {
    found = { refused: error instanceof Error ? error.message : String(error) };
  }
  if (limit === undefined) return found;
  const pattern = 'refused' in limit ? limit.refused : 'refusesSome' in limit ? limit.refusesSome : limit.disagrees;
  const knownRefusal = 'refused' in found && pattern.test(found.refused);
  const agrees = 'mismatches' in found && found.mismatches.length === 0;
  if ('refusesSome' in limit) return knownRefusal || agrees ? { knownLimit: use } : found;
  if ('disagrees' in limit && 'mismatches' in found && !agrees) return { knownLimit: use };
  return knownRefusal ? { knownLimit: use } : found;
}

/** What to expect from directOutcome on the backend under test: agreement, or its known limit. */
export function expectedOutcome(use: DirectKernelUse): Outcome {
  return LIMITS[backendUnderTest()]?.[use] === undefined ? { mismatches: [] } : { knownLimit: use };
}
