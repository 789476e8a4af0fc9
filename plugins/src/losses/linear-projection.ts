// A trainable dense map without activation (student width → teacher width) that a feature loss owns and saves.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@distill/core';

export class LinearProjection {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  /** Glorot-uniform kernel seeded from the run's seed and `purpose`, zero bias. */
  constructor(from: number, to: number, seed: number, purpose: string) {
    const init = tf.initializers.glorotUniform({ seed: deriveSeed(seed, purpose) });
    this.kernel = tf.tidy(() => tf.variable(init.apply([from, to]), true, uniqueVariableName('projection/kernel')));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([to]), true, uniqueVariableName('projection/bias')));
  }

  get variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => features.matMul(this.kernel).add(this.bias));
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/** tfjs keeps one registry of variable names: a second projection (another loss, another build) gets a suffix. */
function uniqueVariableName(base: string): string {
  const taken = tf.engine().registeredVariables;
  let name = base;
  for (let i = 1; name in taken; i++) name = `${base}_${i}`;
  return name;
}
