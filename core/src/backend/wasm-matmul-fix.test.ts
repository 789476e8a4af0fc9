// The transpose fix must give the stock kernels' results. Not bitwise: with a transpose flag the stock kernel sums
// each dot product in 48-wide k-blocks in a scalar loop, while the fixed kernel runs XNNPACK's GEMM, which sums in
// its own order. Both are float32 sums of the same float32 products, so each is within γ_K·(|A|·|B|) of the exact
// product (Higham, Accuracy and Stability of Numerical Algorithms, §3.1: γ_K = K·u/(1−K·u), u = 2⁻²⁴), and they
// differ by at most 2·γ_K·(|A|·|B|) per element: the tightest bound that holds for any summation order.
// What is bitwise: the fixed kernel equals the stock kernel run without flags on explicitly transposed operands
// (which proves the fast path ran; it holds for the (op(B)ᵀ·op(A)ᵀ)ᵀ form too, as XNNPACK sums each output over k in
// order whichever operand it packs), and batched products, which the fix leaves to the stock kernel, are unchanged.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './select-backend.js';
import { installWasmMatMulFix, isWasmMatMulFixInstalled, uninstallWasmMatMulFix } from './wasm-matmul-fix.js';

const UNIT_ROUNDOFF = 2 ** -24;
const gamma = (terms: number) => (terms * UNIT_ROUNDOFF) / (1 - terms * UNIT_ROUNDOFF);

type Flags = { transposeA: boolean; transposeB: boolean };
const FLAG_COMBINATIONS: Flags[] = [
  { transposeA: false, transposeB: false },
  { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: true },
];

/** [batch dims…, M, K, N]: a dense layer's real shape, odd small ones, and batched 3-D. */
const SHAPES: { batch: number[]; m: number; k: number; n: number }[] = [
  { batch: [], m: 128, k: 784, n: 800 },
  { batch: [], m: 7, k: 5, n: 3 },
  { batch: [], m: 64, k: 300, n: 10 },
  { batch: [1], m: 40, k: 97, n: 30 },
  { batch: [4], m: 33, k: 17, n: 29 },
];

let seed = 1;
function operands({ batch, m, k, n }: (typeof SHAPES)[number], { transposeA, transposeB }: Flags) {
  const a = tf.randomNormal([...batch, ...(transposeA ? [k, m] : [m, k])], 0, 1, 'float32', seed++);
  const b = tf.randomNormal([...batch, ...(transposeB ? [n, k] : [k, n])], 0, 1, 'float32', seed++);
  return { a, b };
}

function values(compute: () => tf.Tensor): Float32Array {
  const result = tf.tidy(compute);
  const data = result.dataSync() as Float32Array;
  result.dispose();
  return data;
}

function withStockKernels<T>(run: () => T): T {
  uninstallWasmMatMulFix();
  try {
    return run();
  } finally {
    installWasmMatMulFix();
  }
}

const swapLastTwo = (x: tf.Tensor) => {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
};

/** Elements where |actual − expected| exceeds 2·γ_K·bound (bound ≥ |A|·|B|), as readable strings. */
function outsideRoundingBound(actual: Float32Array, expected: Float32Array, bound: Float32Array, k: number): string[] {
  // bound was itself computed in float32, so it may be low by γ_K relative; widen it by that much.
  const scale = 2 * gamma(k) * (1 + gamma(k));
  const failures: string[] = [];
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= scale * bound[i])) failures.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  return failures.slice(0, 5);
}

describe('wasm matmul transpose fix', () => {
  beforeAll(async () => {
    const choice = await initBackend('wasm');
    expect(choice.name).toBe('wasm');
  });

  it('is installed by initBackend and replaces the stock kernels until uninstalled', () => {
    expect(isWasmMatMulFixInstalled()).toBe(true);
    const fixed = tf.getKernel('BatchMatMul', 'wasm');
    installWasmMatMulFix(); // idempotent: no second wrapper
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(fixed);
    const stock = withStockKernels(() => tf.getKernel('BatchMatMul', 'wasm'));
    expect(stock).not.toBe(fixed);
    expect(stock.kernelFunc).not.toBe(fixed.kernelFunc);
    expect(isWasmMatMulFixInstalled()).toBe(true);
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stock);
  });

  for (const kernel of ['BatchMatMul', '_FusedMatMul'] as const) {
    const multiply = (a: tf.Tensor, b: tf.Tensor, flags: Flags) =>
      kernel === 'BatchMatMul' ? tf.matMul(a, b, flags.transposeA, flags.transposeB) : tf.fused.matMul({ a, b, ...flags });

    describe(kernel, () => {
      for (const shape of SHAPES) {
        for (const flags of FLAG_COMBINATIONS) {
          const label = `[${[...shape.batch, shape.m, shape.k, shape.n].join('×')}] transposeA=${flags.transposeA} transposeB=${flags.transposeB}`;
          it(`matches the stock kernel for ${label}`, () => {
            const { a, b } = operands(shape, flags);
            const fixed = values(() => multiply(a, b, flags));
            const stock = withStockKernels(() => values(() => multiply(a, b, flags)));
            const plainOnTransposed = withStockKernels(() =>
              values(() => multiply(flags.transposeA ? swapLastTwo(a) : a, flags.transposeB ? swapLastTwo(b) : b, { transposeA: false, transposeB: false })),
            );
            const bound = values(() => tf.matMul(tf.abs(a), tf.abs(b), flags.transposeA, flags.transposeB));
            tf.dispose([a, b]);

            expect(fixed).toEqual(plainOnTransposed);
            const batched = shape.batch.some((size) => size > 1);
            if (batched || (!flags.transposeA && !flags.transposeB)) expect(fixed).toEqual(stock);
            else expect(outsideRoundingBound(fixed, stock, bound, shape.k)).toEqual([]);
          });
        }
      }
    });
  }

  it('gives _FusedMatMul with bias and relu the value relu(A·B + bias)', () => {
    // Reference: the stock BatchMatMul with flags, then add and relu. (The stock _FusedMatMul's transposed path is no
    // reference: it adds the bias once per 48-wide k-block, indexes it by flat position and clamps partial sums.)
    const shape = { batch: [], m: 128, k: 800, n: 784 };
    for (const flags of FLAG_COMBINATIONS) {
      const { a, b } = operands(shape, flags);
      const bias = tf.randomNormal([shape.n], 0, 1, 'float32', seed++);
      const fixed = values(() => tf.fused.matMul({ a, b, bias, activation: 'relu', ...flags }));
      const reference = withStockKernels(() => values(() => tf.relu(tf.add(tf.matMul(a, b, flags.transposeA, flags.transposeB), bias))));
      const bound = values(() => tf.add(tf.matMul(tf.abs(a), tf.abs(b), flags.transposeA, flags.transposeB), tf.abs(bias)));
      tf.dispose([a, b, bias]);
      // One more term (the bias) in the sum: K + 1.
      expect(outsideRoundingBound(fixed, reference, bound, shape.k + 1)).toEqual([]);
    }
  });

  it("gives a dense layer's gradients the stock kernels' values", () => {
    // loss = Σ relu(x·W + b) ⊙ R, so ∂loss/∂z = R ⊙ [z > 0] (identical under both kernels), |∂loss/∂z| ≤ |R|,
    // dW = xᵀ·∂z (transposeA) and dx = ∂z·Wᵀ (transposeB): bounded by |x|ᵀ·|R| and |R|·|W|ᵀ.
    const [batch, inputs, units] = [128, 784, 800];
    const layer = tf.layers.dense({ units, activation: 'relu', inputShape: [inputs], kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) });
    const x = tf.variable(tf.randomUniform([batch, inputs], 0, 1, 'float32', seed++));
    const weights = tf.randomNormal([batch, units], 0, 1, 'float32', seed++);
    layer.build([batch, inputs]);
    const [kernel, bias] = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
    // Biases that start at zero would leave half the units dead; spread them so both relu branches occur.
    bias.assign(tf.randomNormal([units], 0, 1, 'float32', seed++));
    const gradients = () => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weights)) as tf.Scalar, [x, kernel, bias]);
      const result = [grads[x.name], grads[kernel.name], grads[bias.name]].map((g) => g.dataSync() as Float32Array);
      tf.dispose(grads);
      return result;
    };
    const [dxFixed, dwFixed, dbFixed] = gradients();
    const [dxStock, dwStock, dbStock] = withStockKernels(gradients);
    const dwBound = values(() => tf.matMul(tf.abs(x), tf.abs(weights), true, false));
    const dxBound = values(() => tf.matMul(tf.abs(weights), tf.abs(kernel), false, true));
    tf.dispose([x, weights, kernel, bias]);

    expect(outsideRoundingBound(dwFixed, dwStock, dwBound, batch)).toEqual([]);
    expect(outsideRoundingBound(dxFixed, dxStock, dxBound, units)).toEqual([]);
    expect(dbFixed).toEqual(dbStock);
    expect(dwFixed).not.toEqual(new Float32Array(dwFixed.length)); // the test would pass vacuously on zero gradients
  });

  it('leaks no tensors or wasm buffers', () => {
    const { a, b } = operands(SHAPES[0], { transposeA: true, transposeB: true });
    const count = () => ({ tensors: tf.memory().numTensors, wasmBuffers: tf.backend().numDataIds() });
    values(() => tf.matMul(a, b, true, true));
    const before = count();
    for (let i = 0; i < 3; i++) values(() => tf.matMul(a, b, true, true));
    const after = count();
    tf.dispose([a, b]);
    // The transposed operands live only in the wasm backend (the engine never sees them), hence numDataIds.
    expect(after).toEqual(before);
  });
});
