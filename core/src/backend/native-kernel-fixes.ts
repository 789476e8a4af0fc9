// Kernels distill routes around on the native backend (libtensorflow 2.9.1 as @tensorflow/tfjs-node 4.22 ships it).
//
// Conv2DBackpropFilter of a 1×1 convolution with strides above 1 corrupts the process heap in libtensorflow's oneDNN
// path ("double free or corruption", "corrupted size vs. prev_size", then abort): measured for batch 1 on 28×28 and
// 14×14 inputs, and for batch 3 on 28×28 — every ResNet's projection shortcut, so `distill validate` of a ResNet
// (whose per-layer dry run uses one sample) and any batch of that shape crashed. Such a convolution reads one input
// pixel per output pixel with no padding, so its filter gradient is one matrix product: the strided input pixels,
// as rows of channels, transposed, times the upstream gradient's rows. Computed with the backend's own StridedSlice,
// Reshape and BatchMatMul kernels; every other geometry goes to libtensorflow's kernel unchanged.
import * as tf from '@tensorflow/tfjs';

const NATIVE = 'tensorflow';

type KernelArgs = Parameters<tf.KernelFunc>[0];

// tfjs's attribute type leaves out dilations, which the kernel receives (and tfjs's gradients set to 1).
type FilterGradientAttrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

let stock: tf.KernelConfig | undefined;

/** Installs the fixes on the 'tensorflow' backend (idempotent; the backend must be registered). */
export function installNativeKernelFixes(): void {
  const current = tf.getKernel(tf.Conv2DBackpropFilter, NATIVE);
  if (current === undefined || current.kernelFunc === conv2DBackpropFilter) return;
  stock = current;
  tf.unregisterKernel(tf.Conv2DBackpropFilter, NATIVE);
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: NATIVE, kernelFunc: conv2DBackpropFilter });
}

/** Whether a call is the geometry libtensorflow's kernel corrupts memory on (and this one computes). */
export function isStridedPointwise(attrs: FilterGradientAttrs): boolean {
  const [kh, kw] = attrs.filterShape;
  const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  const dilations = attrs.dilations === undefined ? [1, 1] : typeof attrs.dilations === 'number' ? [attrs.dilations, attrs.dilations] : attrs.dilations;
  const nhwc = (attrs.dataFormat ?? 'NHWC') === 'NHWC';
  return kh === 1 && kw === 1 && nhwc && (attrs.pad === 'same' || attrs.pad === 'valid') && dilations.every((d: number) => d === 1) && strides.some((s) => s > 1);
}

function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as FilterGradientAttrs;
  if (stock === undefined) throw new Error('the native Conv2DBackpropFilter fix was called before it was installed');
  if (!isStridedPointwise(attrs)) return stock.kernelFunc(args) as tf.TensorInfo;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const run = (name: string, inputs: tf.NamedTensorInfoMap, kernelAttrs: tf.NamedAttrMap) =>
    tf.getKernel(name, NATIVE)!.kernelFunc({ inputs, backend: args.backend as tf.KernelBackend, attrs: kernelAttrs }) as tf.TensorInfo;
  const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = attrs.filterShape[3];
  // With a 1×1 window neither padding mode pads: output pixel (i, j) reads input pixel (i·sh, j·sw).
  const picked = run(tf.StridedSlice, { x }, { begin: [0, 0, 0, 0], end: [batch, height, width, inChannels], strides: [1, sh, sw, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
  const rows = picked.shape[0] * picked.shape[1] * picked.shape[2];
  const a = run(tf.Reshape, { x: picked }, { shape: [1, rows, inChannels] });
  const b = run(tf.Reshape, { x: dy }, { shape: [1, rows, outChannels] });
  const product = run(tf.BatchMatMul, { a, b }, { transposeA: true, transposeB: false });
  const dw = run(tf.Reshape, { x: product }, { shape: [1, 1, inChannels, outChannels] });
  for (const info of [picked, a, b, product]) (args.backend as tf.KernelBackend).disposeData(info.dataId);
  return dw;
}
