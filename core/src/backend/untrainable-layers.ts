// Which layers of a model cannot run, or cannot be trained, on the current backend: found before a run starts, so
// that a missing kernel is refused with the layer's name instead of failing a run mid-way.
//
// How: a dry run of each layer on its own, one sample, forward and (for a model that trains) backward with respect to
// its weights and float inputs, under the backend in use. A failure names the kernel tfjs could not find ("Kernel
// 'X' not registered for backend 'Y'") or the reason tfjs gave (it refuses gradients of dilated convolutions on
// every backend). A dry run rather than a table of layer class → kernels: it sees exactly the kernels this tfjs
// version reaches for these layer settings (fused or not, training-mode branches, gradients), for custom layers and
// imported models too, and it cannot go stale when tfjs or a backend changes. It costs one tiny step per layer.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../random/seeded-random.js';

export type LayerUse = 'train' | 'infer';

export interface UntrainableLayer {
  readonly layer: string;
  readonly className: string;
  /** The kernel the backend lacks, when that is the reason. */
  readonly kernel?: string;
  readonly backend: string;
  /** tfjs's own message. */
  readonly reason: string;
}

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;
// variableGrads' complaint about a layer whose output does not depend on what it differentiates: not a failure.
const NOT_CONNECTED = 'Cannot find a connection between any variable and the result of the loss function';

/**
 * Dry-runs every layer of the model on the current backend and lists those that fail. Leaves the model as it was
 * (weights, batch-normalization statistics) and does not consume Math.random, so a seeded run is unchanged.
 */
export function findUntrainableLayers(model: tf.LayersModel, use: LayerUse): UntrainableLayer[] {
  const problems: UntrainableLayer[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const reason = dryRun(layer, use);
    if (reason === undefined) continue;
    const missing = MISSING_KERNEL.exec(reason);
    problems.push({ layer: layer.name, className: layer.getClassName(), ...(missing ? { kernel: missing[1] } : {}), backend: tf.getBackend(), reason });
  }
  return problems;
}

/** One sentence for a user: `layer "conv1" (Conv2D) needs the kernel 'Conv2DBackpropFilter', which …`. */
export function describeUntrainable(problem: UntrainableLayer, use: LayerUse): string {
  const what = `layer "${problem.layer}" (${problem.className})`;
  const verb = use === 'train' ? 'train' : 'run';
  if (problem.kernel) return `${what} needs the kernel '${problem.kernel}' to ${verb}, which the ${problem.backend} backend does not have`;
  return `${what} cannot ${verb} on the ${problem.backend} backend: ${problem.reason.split('\n')[0]}`;
}

function dryRun(layer: tf.layers.Layer, use: LayerUse): string | undefined {
  // The inputs of its first use (`layer.input` throws for a layer shared by several parts of a model).
  const first = layer.getInputAt(0);
  const inputs = (Array.isArray(first) ? first : [first]) as tf.SymbolicTensor[];
  // A layer fed sizes only known at run time (variable-length sequences) cannot be probed with made-up data.
  if (inputs.some((input) => input.shape.slice(1).some((d) => d === null))) return undefined;
  const saved = layer.getWeights().map((w) => w.clone());
  const random = Math.random;
  Math.random = seededRandom(0).next;
  const variables: tf.Variable[] = [];
  try {
    tf.tidy(() => {
      const values = inputs.map((input, i) => sample(input, i));
      const call = () => {
        const output = layer.apply(values.length === 1 ? values[0] : values, { training: use === 'train' });
        const outputs = (Array.isArray(output) ? output : [output]) as tf.Tensor[];
        return tf.addN(outputs.map((o) => o.cast('float32').sum())) as tf.Scalar;
      };
      if (use === 'infer') {
        call();
        return;
      }
      // Gradients flow through the layer's inputs as well as into its weights: both kernels must exist.
      values.forEach((value, i) => {
        if (value.dtype !== 'float32') return;
        const variable = tf.variable(value, true);
        variables.push(variable);
        values[i] = variable;
      });
      const trainable = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      tf.variableGrads(call, [...trainable, ...variables]);
    });
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.includes(NOT_CONNECTED) ? undefined : message;
  } finally {
    Math.random = random;
    tf.dispose(variables);
    layer.setWeights(saved);
    tf.dispose(saved);
  }
}

/** One sample for an input: seeded normal floats, zeros for integer inputs (token ids, which must be in range). */
function sample(input: tf.SymbolicTensor, index: number): tf.Tensor {
  const shape = [1, ...(input.shape.slice(1) as number[])];
  return input.dtype === 'float32' ? tf.randomNormal(shape, 0, 1, 'float32', 1 + index) : tf.zeros(shape, input.dtype);
}
