// Works around a slow path in tfjs-backend-wasm 4.x: its BatchMatMul and _FusedMatMul kernels hand a matmul to
// XNNPACK's GEMM only when neither operand is transposed (and both batch sizes are 1); with transposeA or
// transposeB they fall back to a scalar blocked loop that is ~9x slower. Every dense layer's backward pass asks
// for a transposed matmul (dW = xᵀ·dy, dx = dy·Wᵀ), so training on wasm spends most of its time there.
// The override transposes operands explicitly with the wasm Transpose kernel and runs the stock kernel without
// transposes, i.e. on its XNNPACK path. Results are the same products summed in XNNPACK's order instead of the
// blocked loop's order: equal up to float32 rounding, not bitwise (see wasm-matmul-fix.test.ts).
// The blocked loop is also wrong for _FusedMatMul with a bias or an activation (it adds the bias once per 48-wide
// k-block, indexes it by flat position, and clamps partial sums); unbatched calls now avoid it, batched ones do not.
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];

const WASM = 'wasm';
const PATCHED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;
type PatchedKernel = (typeof PATCHED_KERNELS)[number];

/** The kernel configs tfjs-backend-wasm registered, kept while the fix is installed. */
const stockKernels = new Map<PatchedKernel, tf.KernelConfig>();

/**
 * Replaces wasm's BatchMatMul and _FusedMatMul with versions that transpose operands explicitly so the fast GEMM
 * path runs. Idempotent. The wasm backend must be registered (import '@tensorflow/tfjs-backend-wasm') first.
 */
export function installWasmMatMulFix(): void {
  for (const kernelName of PATCHED_KERNELS) {
    if (stockKernels.has(kernelName)) continue;
    const stock = tf.getKernel(kernelName, WASM);
    if (stock === undefined) {
      throw new Error(`installWasmMatMulFix: no '${kernelName}' kernel registered for wasm; import '@tensorflow/tfjs-backend-wasm' first`);
    }
    stockKernels.set(kernelName, stock);
    tf.unregisterKernel(kernelName, WASM);
    // setupFunc/disposeFunc stay the stock ones: they bind the wasm exports the stock kernelFunc calls.
    tf.registerKernel({ ...stock, kernelFunc: (args) => withPlainOperands(args, stock.kernelFunc) });
  }
}

/** Puts the stock wasm kernels back (for comparisons and benchmarks). Idempotent. */
export function uninstallWasmMatMulFix(): void {
  for (const [kernelName, stock] of stockKernels) {
    tf.unregisterKernel(kernelName, WASM);
    tf.registerKernel(stock);
  }
  stockKernels.clear();
}

export function isWasmMatMulFixInstalled(): boolean {
  return stockKernels.size > 0;
}

function withPlainOperands(args: KernelArgs, stockKernel: tf.KernelFunc): ReturnType<tf.KernelFunc> {
  const { inputs, attrs } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  if ((!transposeA && !transposeB) || !reachesFastPath(a, b)) return stockKernel(args);

  const backend = args.backend as tf.KernelBackend;
  const temporaries: tf.TensorInfo[] = [];
  const transposed = (x: tf.TensorInfo) => {
    const result = transposeLastTwo(x, backend);
    temporaries.push(result);
    return result;
  };
  const plain = (first: tf.TensorInfo, second: tf.TensorInfo) =>
    stockKernel({ ...args, inputs: { ...inputs, a: first, b: second }, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
  try {
    if (!computeTransposedProduct(a, b, transposeA, transposeB, inputs)) {
      return plain(transposeA ? transposed(a) : a, transposeB ? transposed(b) : b);
    }
    // C = (op(B)ᵀ · op(A)ᵀ)ᵀ, where op(B)ᵀ is B itself when transposeB (likewise A).
    const productT = plain(transposeB ? b : transposed(b), transposeA ? a : transposed(a));
    temporaries.push(productT);
    return transposeLastTwo(productT, backend);
  } finally {
    for (const temporary of temporaries) backend.disposeData(temporary.dataId);
  }
}

/**
 * Chooses between op(A)·op(B) and (op(B)ᵀ·op(A)ᵀ)ᵀ by the elements each must move: those transposed, plus the second
 * operand, which XNNPACK repacks whenever it is a new tensor. For dx = dy·Wᵀ the second form transposes and packs
 * the small dy and the small result instead of the whole weight matrix (7 ms instead of 11 ms at 128×800×784).
 * Not with a bias or PReLU weights: they broadcast along C's last dimension, which the second form computes as rows.
 */
function computeTransposedProduct(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, inputs: KernelArgs['inputs']): boolean {
  if (inputs.bias != null || inputs.preluActivationWeights != null) return false;
  const sizeA = matrixSize(a);
  const sizeB = matrixSize(b);
  const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)];
  const columns = b.shape[b.shape.length - (transposeB ? 2 : 1)];
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + rows * columns + sizeA;
  return swapped < direct;
}

const matrixSize = (x: tf.TensorInfo) => x.shape[x.shape.length - 1] * x.shape[x.shape.length - 2];

/**
 * The stock kernels use XNNPACK only for float32 operands whose batch dimensions multiply to 1; batched products
 * take the blocked loop either way, where an explicit transpose would only add work, so they are left alone.
 */
function reachesFastPath(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const batchSize = (shape: number[]) => shape.slice(0, -2).reduce((product, size) => product * size, 1);
  return a.dtype === 'float32' && b.dtype === 'float32' && batchSize(a.shape) === 1 && batchSize(b.shape) === 1;
}

function transposeLastTwo(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  const transpose = tf.getKernel(tf.Transpose, WASM);
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}
