// A frozen teacher's outputs on a split, computed once in inference mode and sliced per batch afterwards: the teacher
// never changes during a distillation stage, so running it at every step would only repeat the same work. A teacher is
// anything that predicts a batch: a tapped model, or a teacher source.
import * as tf from '@tensorflow/tfjs';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import type { TeacherPrediction, TeacherSource, TeacherSplit } from '../plugins/teacher-source.js';
import type { TeacherInputs } from '../plugins/loss-plugin.js';
import type { TappedModel } from './tapped-model.js';
import { gatherRows } from '../data/in-memory-source.js';
import { epochBatches, disposeBatch } from './batches.js';
import type { SampleLayout } from '../data/sample-layout.js';

/** A teacher's outputs for one batch of inputs (tensors the caller disposes). */
export type TeacherPredictor = (batch: { readonly inputs: tf.Tensor; readonly sampleIds: tf.Tensor1D }) => Promise<TeacherPrediction>;

/** Row-major values of one output over a split, `width` per sample; `shape` is the per-sample shape. */
export interface OutputRows {
  readonly data: Float32Array;
  readonly width: number;
  readonly shape: readonly number[];
}

export interface TeacherOutputs {
  readonly count: number;
  /** Present when the teacher gives logits. */
  readonly logits?: OutputRows;
  /** Present when the teacher gives only probabilities. */
  readonly probabilities?: OutputRows;
  readonly features: Readonly<Record<string, OutputRows>>;
}

/** A tapped model as a teacher: logits and the tapped layers, in inference mode. */
export function modelPredictor(teacher: TappedModel): TeacherPredictor {
  return async ({ inputs }) => tf.tidy(() => teacher.apply(inputs, false));
}

/** A teacher source as a teacher, asked for `layers` about the samples of `split`. */
export function sourcePredictor(source: TeacherSource, layers: readonly string[], split: TeacherSplit): TeacherPredictor {
  return ({ inputs, sampleIds }) => source.predict({ inputs, sampleIds, split }, layers);
}

/** The teacher's outputs on every sample of `source`, in the split's order. */
export async function computeTeacherOutputs(
  predict: TeacherPredictor,
  source: SampleSource,
  layout: SampleLayout,
  layers: readonly string[],
  where: string,
  batchSize = 256,
): Promise<TeacherOutputs> {
  const chunks = { logits: [] as Float32Array[], probabilities: [] as Float32Array[], features: Object.fromEntries(layers.map((n) => [n, [] as Float32Array[]])) };
  const shapes: Record<string, number[]> = {};
  const order = Int32Array.from({ length: source.count }, (_, i) => i);
  for await (const batch of epochBatches(source, layout, batchSize, order, where)) {
    let out: TeacherPrediction;
    try {
      out = await predict({ inputs: batch.x, sampleIds: batch.sampleIds });
    } finally {
      disposeBatch(batch);
    }
    try {
      for (const kind of ['logits', 'probabilities'] as const) {
        const tensor = out[kind];
        if (!tensor) continue;
        shapes[kind] = tensor.shape.slice(1);
        chunks[kind].push((await tensor.data()) as Float32Array);
      }
      for (const name of layers) {
        const feature = out.features[name];
        if (!feature) throw new Error(`${where}: the teacher gave no output for layer "${name}"`);
        shapes[`feature:${name}`] = feature.shape.slice(1);
        chunks.features[name].push((await feature.data()) as Float32Array);
      }
    } finally {
      tf.dispose([...(out.logits ? [out.logits] : []), ...(out.probabilities ? [out.probabilities] : []), ...Object.values(out.features)]);
    }
  }
  const rows = (parts: Float32Array[], shape: number[] | undefined): OutputRows => ({ data: concat(parts), width: (shape ?? []).reduce((a, b) => a * b, 1), shape: shape ?? [] });
  return {
    count: source.count,
    ...(chunks.logits.length ? { logits: rows(chunks.logits, shapes.logits) } : {}),
    ...(chunks.probabilities.length ? { probabilities: rows(chunks.probabilities, shapes.probabilities) } : {}),
    features: Object.fromEntries(layers.map((n) => [n, rows(chunks.features[n], shapes[`feature:${n}`])])),
  };
}

/** Teacher outputs for the samples at `indices`, as tensors the caller disposes. */
export function teacherBatch(outputs: TeacherOutputs, indices: Int32Array, layers: readonly string[] = Object.keys(outputs.features)): TeacherInputs {
  const rows = indices.length;
  const tensor = (o: OutputRows) => tf.tensor(gatherRows(o.data, o.width, indices), [rows, ...o.shape], 'float32');
  return {
    ...(outputs.logits ? { logits: tensor(outputs.logits) as tf.Tensor2D } : {}),
    ...(outputs.probabilities ? { probabilities: tensor(outputs.probabilities) as tf.Tensor2D } : {}),
    features: Object.fromEntries(layers.map((name) => [name, tensor(outputs.features[name])])),
  };
}

/** Every tensor of a teacher's batch outputs. */
export function teacherTensors(inputs: TeacherInputs): tf.Tensor[] {
  return [...(inputs.logits ? [inputs.logits] : []), ...(inputs.probabilities ? [inputs.probabilities] : []), ...Object.values(inputs.features)];
}

/** The values predictions are taken from: logits, else probabilities (the same top-1). */
export function scoresOf(outputs: TeacherOutputs): OutputRows | undefined {
  return outputs.logits ?? outputs.probabilities;
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
