// The frozen teacher's outputs on a split, computed once in inference mode and sliced per batch afterwards: the teacher
// never changes during the student stage, so running it at every step would only repeat the same work.
import * as tf from '@tensorflow/tfjs';
import type { DataSplit } from '../plugins/dataset-plugin.js';
import type { TappedModel } from './tapped-model.js';
import { gatherRows } from './batches.js';

export interface TeacherOutputs {
  readonly count: number;
  readonly logits: { readonly data: Float32Array; readonly width: number };
  readonly features: Readonly<Record<string, { readonly data: Float32Array; readonly width: number }>>;
}

export async function computeTeacherOutputs(
  teacher: TappedModel,
  split: DataSplit,
  inputShape: readonly number[],
  batchSize = 256,
): Promise<TeacherOutputs> {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const logitChunks: Float32Array[] = [];
  const featureChunks: Record<string, Float32Array[]> = Object.fromEntries(teacher.layerNames.map((n) => [n, []]));
  let classes = 0;
  const widths: Record<string, number> = {};
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const out = tf.tidy(() => {
      const x = tf.tensor(split.x.subarray(start * width, end * width), [end - start, ...inputShape]);
      const { logits, features } = teacher.apply(x, false);
      return { logits, features };
    });
    classes = out.logits.shape[1];
    logitChunks.push((await out.logits.data()) as Float32Array);
    for (const name of teacher.layerNames) {
      widths[name] = out.features[name].shape[1];
      featureChunks[name].push((await out.features[name].data()) as Float32Array);
    }
    tf.dispose([out.logits, ...Object.values(out.features)]);
  }
  return {
    count: split.count,
    logits: { data: concat(logitChunks), width: classes },
    features: Object.fromEntries(teacher.layerNames.map((n) => [n, { data: concat(featureChunks[n]), width: widths[n] }])),
  };
}

/** Teacher logits and features for the samples of a batch, as tensors the caller disposes. */
export function teacherBatch(outputs: TeacherOutputs, indices: Int32Array): { logits: tf.Tensor2D; features: Record<string, tf.Tensor2D> } {
  const rows = indices.length;
  return {
    logits: tf.tensor2d(gatherRows(outputs.logits.data, outputs.logits.width, indices), [rows, outputs.logits.width]),
    features: Object.fromEntries(
      Object.entries(outputs.features).map(([name, f]) => [name, tf.tensor2d(gatherRows(f.data, f.width, indices), [rows, f.width])]),
    ),
  };
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
