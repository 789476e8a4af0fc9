// A few real training steps of a built model on a named backend, for model tests: the losses, which must fall.
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../backend/select-backend.js';
import { seededRandom } from '../random/seeded-random.js';

/** Adam steps (softmax cross-entropy on the logits) over one fixed batch of seeded random samples and labels. */
/**
 * ```ts
 * expect(await trainingLosses(built.model, 'wasm')).toSatisfy((losses) => losses.at(-1) < losses[0]);
 * ```
 */
export async function trainingLosses(model: tf.LayersModel, backend: BackendName, { steps = 6, batch = 8 } = {}): Promise<number[]> {
  await initBackend(backend);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  const random = seededRandom(17);
  const size = batch * inputShape.reduce((product, d) => product * d, 1);
  const x = tf.tensor(Float32Array.from({ length: size }, () => random.normal()), [batch, ...inputShape]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, () => random.int(classes)), 'int32'), classes);
  try {
    return lossesOnBatch(model, x, y, { steps, learningRate: 0.01 });
  } finally {
    tf.dispose([x, y]);
  }
}

/** Adam steps (softmax cross-entropy on the logits) on one given batch: the loss after each step. Disposes nothing given. */
export function lossesOnBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, { steps, learningRate }: { steps: number; learningRate: number }): number[] {
  const optimizer = tf.train.adam(learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, variables)!;
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  optimizer.dispose();
  return losses;
}
