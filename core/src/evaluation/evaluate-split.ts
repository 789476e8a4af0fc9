// Accuracy, loss and teacher agreement of a model on a split, in inference mode and in batches read from the split.
// Multi-class: top-1 accuracy and softmax cross-entropy. Multi-label: label-wise accuracy (each class of each
// labelled sample thresholded at probability 0.5) and binary cross-entropy.
import * as tf from '@tensorflow/tfjs';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';
import { readSamples } from '../data/read-samples.js';
import type { SampleLayout } from '../data/sample-layout.js';

export interface SplitEvaluation {
  /** Over labelled samples (multi-label: over their classes). */
  readonly accuracy: number;
  readonly loss: number;
  /** Top-1 predictions, one per sample; multi-label: one 0/1 decision per sample and class, row-major. */
  readonly predictions: Int32Array;
  /** Scores (logits, or probabilities for a scorer that gives only those), row-major `[count, classes]`. */
  readonly logits: Float32Array;
  /** The split's labels, one per sample (`UNLABELED` where there is none), as read. */
  readonly labels: Int32Array;
}

/** What is evaluated: anything that scores a batch, as logits or as probabilities. */
export interface Scorer {
  readonly scores: 'logits' | 'probabilities';
  predict(inputs: tf.Tensor, sampleIds: tf.Tensor1D): Promise<tf.Tensor2D>;
}

/** A tfjs model as a scorer: its logits in inference mode. */
export function modelScorer(model: tf.LayersModel): Scorer {
  return { scores: 'logits', predict: async (inputs) => tf.tidy(() => model.predict(inputs) as tf.Tensor2D) };
}

export async function evaluateSplit(
  scorer: Scorer | tf.LayersModel,
  source: SampleSource,
  layout: SampleLayout,
  batchSize = 256,
): Promise<SplitEvaluation> {
  const { scores, predict } = 'scores' in scorer ? scorer : modelScorer(scorer);
  const multiLabel = layout.task === 'multilabel';
  const tally: Tally = { correct: 0, counted: 0, lossSum: 0, labelled: 0 };
  let predictions = new Int32Array(0);
  let all = new Float32Array(0);
  const labels = new Int32Array(source.count);
  for (let start = 0; start < source.count; start += batchSize) {
    const end = Math.min(source.count, start + batchSize);
    const positions = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const samples = await readSamples(source, positions, layout, 'evaluation');
    const x = tf.tensor(samples.inputs, [positions.length, ...layout.inputShape], layout.inputDtype);
    const ids = tf.tensor1d(samples.ids, 'int32');
    const output = await predict(x, ids).finally(() => tf.dispose([x, ids]));
    const classes = output.shape[1];
    const values = (await output.data()) as Float32Array;
    output.dispose();
    if (all.length === 0) {
      all = new Float32Array(source.count * classes);
      predictions = new Int32Array(multiLabel ? source.count * classes : source.count);
    }
    all.set(values, start * classes);
    labels.set(samples.labels, start);
    for (let i = start; i < end; i++) {
      const row = values.subarray((i - start) * classes, (i - start + 1) * classes);
      const label = samples.labels[i - start];
      if (multiLabel) {
        const targets = samples.targets!.subarray((i - start) * classes, (i - start + 1) * classes);
        scoreMultiLabel(row, label === UNLABELED ? undefined : targets, scores, predictions.subarray(i * classes, (i + 1) * classes), tally);
      } else {
        predictions[i] = argmax(row);
        if (label === UNLABELED) continue;
        tally.counted++;
        tally.labelled++;
        if (predictions[i] === label) tally.correct++;
        tally.lossSum += scores === 'logits' ? logSumExp(row) - row[label] : -Math.log(Math.max(row[label], 1e-12));
      }
    }
  }
  return {
    accuracy: tally.counted ? tally.correct / tally.counted : NaN,
    loss: tally.labelled ? tally.lossSum / tally.labelled : NaN,
    predictions,
    logits: all,
    labels,
  };
}

// Each class of a sample: a decision (score above the threshold) and, for a labelled sample, its hit and its loss.
function scoreMultiLabel(
  row: Float32Array,
  targets: Float32Array | undefined,
  scores: Scorer['scores'],
  decisions: Int32Array,
  tally: Tally,
): void {
  let sampleLoss = 0;
  for (let c = 0; c < row.length; c++) {
    const x = row[c];
    decisions[c] = (scores === 'logits' ? x > 0 : x > 0.5) ? 1 : 0;
    if (!targets) continue;
    const t = targets[c];
    tally.counted++;
    if (decisions[c] === (t > 0.5 ? 1 : 0)) tally.correct++;
    sampleLoss += scores === 'logits'
      ? Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)))
      : -(t * Math.log(Math.max(x, 1e-12)) + (1 - t) * Math.log(Math.max(1 - x, 1e-12)));
  }
  if (!targets) return;
  tally.labelled++;
  tally.lossSum += sampleLoss / row.length;
}

/** Running counts: decisions counted and right, and the summed loss of the labelled samples. */
interface Tally {
  correct: number;
  counted: number;
  lossSum: number;
  labelled: number;
}

/** Share of decisions two models share: top-1 classes, or each class of a multi-label head. */
export function agreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length ? same / a.length : NaN;
}

/** Top-1 predictions from row-major scores. */
export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(logits.length / classes);
  for (let i = 0; i < out.length; i++) out[i] = argmax(logits.subarray(i * classes, (i + 1) * classes));
  return out;
}

/** Multi-label decisions from row-major scores: 1 where a class's logit is above 0 (probability above 0.5). */
export function thresholdRows(scores: Float32Array, kind: Scorer['scores']): Int32Array {
  return Int32Array.from(scores, (x) => ((kind === 'logits' ? x > 0 : x > 0.5) ? 1 : 0));
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
