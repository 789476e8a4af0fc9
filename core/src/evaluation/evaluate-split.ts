// Accuracy, cross-entropy and teacher agreement of a model on a split, in inference mode and in batches.
import * as tf from '@tensorflow/tfjs';
import type { DataSplit } from '../plugins/dataset-plugin.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';

export interface SplitEvaluation {
  /** Over labelled samples. */
  readonly accuracy: number;
  readonly loss: number;
  /** Top-1 predictions, one per sample. */
  readonly predictions: Int32Array;
  /** Logits, row-major `[count, classes]`. */
  readonly logits: Float32Array;
}

export async function evaluateSplit(
  model: tf.LayersModel,
  split: DataSplit,
  inputShape: readonly number[],
  batchSize = 256,
): Promise<SplitEvaluation> {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const predictions = new Int32Array(split.count);
  let logitsAll = new Float32Array(0);
  let correct = 0;
  let lossSum = 0;
  let labelled = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const logits = tf.tidy(() => {
      const x = tf.tensor(split.x.subarray(start * width, end * width), [end - start, ...inputShape]);
      return model.predict(x) as tf.Tensor2D;
    });
    const classes = logits.shape[1];
    if (logitsAll.length === 0) logitsAll = new Float32Array(split.count * classes);
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    logitsAll.set(values, start * classes);
    for (let i = start; i < end; i++) {
      const row = values.subarray((i - start) * classes, (i - start + 1) * classes);
      const predicted = argmax(row);
      predictions[i] = predicted;
      const label = split.y[i];
      if (label === UNLABELED) continue;
      labelled++;
      if (predicted === label) correct++;
      lossSum += logSumExp(row) - row[label];
    }
  }
  return {
    accuracy: labelled ? correct / labelled : NaN,
    loss: labelled ? lossSum / labelled : NaN,
    predictions,
    logits: logitsAll,
  };
}

/** Share of samples where two models predict the same class. */
export function agreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length ? same / a.length : NaN;
}

/** Top-1 predictions from row-major logits. */
export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(logits.length / classes);
  for (let i = 0; i < out.length; i++) out[i] = argmax(logits.subarray(i * classes, (i + 1) * classes));
  return out;
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}

function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
