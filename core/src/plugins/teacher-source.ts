// Teacher-source plugin point (kind `teacher`): a teacher that is not a trainable tfjs LayersModel — precomputed
// predictions, a converted graph model, a model behind an HTTP endpoint. A manifest's teacher reference names either a
// model plugin (trained in a teacher stage when it has no weights, tappable by layer name) or a teacher source, which
// only ever predicts. distill calls it on un-augmented data once per split (and caches what it gives), and on every
// batch when a stage transforms its batches.
import type * as tf from '@tensorflow/tfjs';
import type { FeatureLayer } from './model-plugin.js';

/** What a teacher source gives for one batch; distill disposes the tensors. */
export interface TeacherPrediction {
  /** `[batch, classes]`, when the source gives logits. */
  readonly logits?: tf.Tensor2D;
  /** `[batch, classes]`, when the source gives only probabilities. */
  readonly probabilities?: tf.Tensor2D;
  /** The requested layers, shaped `[batch, ...shape]`. */
  readonly features: Record<string, tf.Tensor>;
}

/** The splits distill asks a teacher about. */
export type TeacherSplit = 'train' | 'validation' | 'test';

/** One batch a teacher source is asked about. */
export interface TeacherBatch {
  readonly inputs: tf.Tensor;
  /** `[batch]` int32 stable sample ids, unique within the split. */
  readonly sampleIds: tf.Tensor1D;
  /** The split the samples are from (absent when the caller does not know, e.g. a plugin's own test). */
  readonly split?: TeacherSplit;
}

export interface TeacherSource {
  /** What it gives: logits, or only probabilities. */
  readonly outputs: 'logits' | 'probabilities';
  /** Which layers (by name) it can tap, with their per-sample shapes. */
  readonly layers?: readonly FeatureLayer[];
  /**
   * Outputs for one batch: by inputs (a remote model, a graph model) and/or by sample ids (precomputed predictions;
   * ids are unique within a split, so `split` says which one the batch is from). `layers` are names from `layers`.
   */
  predict(batch: TeacherBatch, layers: readonly string[]): Promise<TeacherPrediction>;
  /** Where its outputs come from, recorded with the run (a file digest, a URL and model version). */
  describe(): Record<string, string>;
  dispose?(): void;
}
