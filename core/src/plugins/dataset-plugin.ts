// Dataset plugin point: a dataset is a set of splits, each read by position — held in memory (`DataSplit`, the fast
// path) or read from anywhere (`SampleSource`: a file on disk, a database) — with integer labels or multi-label
// targets, inputs as floats or as token ids, and stable sample ids.
import type { FittedTokenizer } from './tokenizer-plugin.js';

/** Marks an unlabeled sample (a transfer-set input: teacher-based losses use it, label losses skip it). */
export const UNLABELED = -1;

/** A split held in memory: what most datasets return. */
export interface DataSplit {
  /** Row-major inputs: `count × product(inputShape)` floats, or token ids when the dataset's `inputDtype` is int32. */
  readonly x: Float32Array | Int32Array;
  /** One class index per sample, or `UNLABELED`; for a multi-label dataset 0 (labelled) or `UNLABELED`. */
  readonly y: Int32Array;
  readonly count: number;
  /** Stable sample ids (the same sample has the same id in every split, order and cache); default: the position. */
  readonly ids?: Int32Array;
  /** Multi-label datasets: `count × numClasses` targets in {0, 1}, row-major. */
  readonly targets?: Float32Array;
}

/** What a split yields for the samples at some positions: inputs ready for a tensor, labels, stable ids. */
export interface Samples {
  /** `positions.length × product(inputShape)`, row-major; Int32Array when the dataset's `inputDtype` is int32. */
  readonly inputs: Float32Array | Int32Array;
  /** A class index or `UNLABELED` per sample; for a multi-label dataset 0 (labelled) or `UNLABELED`. */
  readonly labels: Int32Array;
  /** Multi-label: `positions.length × numClasses` targets in {0, 1}. */
  readonly targets?: Float32Array;
  /** Stable sample ids (same sample → same id, every epoch, every cache). */
  readonly ids: Int32Array;
}

/**
 * A split that is read, not held: from memory, from disk, from anywhere. The trainer asks for one batch of positions
 * at a time and asks for the next batch while the current step runs, so a source that reads files does its I/O then.
 */
export interface SampleSource {
  readonly count: number;
  read(positions: Int32Array): Samples | Promise<Samples>;
}

/** What a dataset gives for each split: in memory, or a source to read from. */
export type Split = DataSplit | SampleSource;

/** True for a `SampleSource`, false for an in-memory `DataSplit`. */
export function isSampleSource(split: Split): split is SampleSource {
  return typeof (split as SampleSource).read === 'function';
}

export interface DatasetInfo {
  /** Shape of one sample, without the batch dimension (`[784]`, `[28, 28, 1]`, `[128]` token ids). */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /** The inputs' type: float32 (default), or int32 for token ids. */
  readonly inputDtype?: 'float32' | 'int32';
  /** multiclass (default): one class per sample, softmax heads; multilabel: targets in {0,1} per class, sigmoid heads. */
  readonly task?: 'multiclass' | 'multilabel';
  /**
   * Whether a sample keeps its id from run to run (true by default: ids are positions in splits a dataset builds the
   * same way every time). A dataset whose splits' order can change between runs says false; losses that index state
   * by sample id are then refused before training.
   */
  readonly stableIds?: boolean;
  /** Token-id datasets: ids run from 0 (padding) to `vocabularySize - 1`; an embedding needs at least this many rows. */
  readonly vocabularySize?: number;
  /**
   * Set by distill for the losses it builds: one more than the largest sample id of the training split (its count when
   * the ids are positions), so a loss that keeps a row per sample (a memory bank) can size it.
   */
  readonly sampleIdRange?: number;
}

export interface Dataset extends DatasetInfo {
  readonly train: Split;
  readonly validation?: Split;
  readonly test: Split;
  /**
   * What a teacher stage trains on, when it differs from the labelled part of `train`: a dataset that hides labels from
   * the student (a transfer set) can give the teacher, which stands for a model trained elsewhere, the full labels.
   */
  readonly teacherTrain?: Split;
  /** A stable digest of everything that defines the data, for caches (teacher outputs, trained teachers). */
  readonly fingerprint: string;
  /** A text dataset: the tokenizer fitted on its training split, saved with the student as `student/tokenizer.json`. */
  readonly tokenizer?: FittedTokenizer;
  /** Counts the dataset measured while it was built (rows skipped as invalid), logged as `dataset/<key>` metrics. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Counts worth recording about how the data was read (`skippedFiles`): written to summary.json under `dataset`. */
  readonly facts?: Readonly<Record<string, number>>;
}
