// A quick check that a backend computes what the plain JavaScript `cpu` backend computes: a matrix product and a
// few Adam steps of a tiny MLP (forward, softmax cross-entropy, gradients, updates), from fixed weights and data,
// compared value by value with the same work on `cpu`, and timed. Well under two seconds per backend.
import * as tf from '@tensorflow/tfjs';

/** What the self-test runs, in words (printed by `distill backends`). */
export const SELF_TEST_WORK = 'a 64×96·96×48 matmul and 10 Adam steps of a 32-64-8 MLP on a batch of 32';

/** Largest accepted |value − cpu value| / max(1, |cpu value|). */
export const SELF_TEST_TOLERANCE = 1e-4;

const [M, K, N] = [64, 96, 48];
const [INPUTS, HIDDEN, CLASSES, BATCH, STEPS] = [32, 64, 8, 32, 10];

/** Fixed pseudo-random numbers in [-1, 1): the same on every backend and every run. */
function numbers(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/**
 * The self-test's work on the current backend: the product's values followed by the loss after each step. Every
 * tensor it makes is disposed.
 */
export function selfTestValues(): number[] {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(numbers(M * K, 1), [M, K]), tf.tensor2d(numbers(K * N, 2), [K, N])).dataSync());
  // Variables outlive tidy; the tensors they were made from do not.
  const weights = tf.tidy(() => [
    tf.variable(tf.tensor2d(numbers(INPUTS * HIDDEN, 3), [INPUTS, HIDDEN]).mul(0.2)),
    tf.variable(tf.zeros([HIDDEN])),
    tf.variable(tf.tensor2d(numbers(HIDDEN * CLASSES, 4), [HIDDEN, CLASSES]).mul(0.2)),
    tf.variable(tf.zeros([CLASSES])),
  ]);
  const [w1, b1, w2, b2] = weights;
  const x = tf.tensor2d(numbers(BATCH * INPUTS, 5), [BATCH, INPUTS]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 5) % CLASSES), 'int32'), CLASSES));
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, tf.relu(x.matMul(w1).add(b1)).matMul(w2).add(b2)) as tf.Scalar, true, weights);
    losses.push(loss!.dataSync()[0]);
    loss!.dispose();
  }
  optimizer.dispose();
  tf.dispose([...weights, x, labels]);
  return [...product, ...losses];
}

/** The largest |actual − reference| / max(1, |reference|), or Infinity when the lengths differ or a value is NaN. */
export function maxRelativeDifference(actual: readonly number[], reference: readonly number[]): number {
  if (actual.length !== reference.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs(actual[i] - reference[i]) / Math.max(1, Math.abs(reference[i]));
    if (!(difference <= worst)) worst = Number.isNaN(difference) ? Infinity : difference;
  }
  return worst;
}

/** Runs the work once to warm the backend up (kernel set-up, first allocations), then once timed. */
export function timedSelfTest(): { values: number[]; ms: number } {
  selfTestValues();
  const started = performance.now();
  const values = selfTestValues();
  return { values, ms: performance.now() - started };
}
