// Dataset plugin point: a dataset is in-memory feature rows with integer labels, already split.

/** Marks an unlabeled sample (a transfer-set input: teacher-based losses use it, label losses skip it). */
export const UNLABELED = -1;

export interface DataSplit {
  /** Row-major features: `count × product(inputShape)` floats. */
  readonly x: Float32Array;
  /** One class index per sample, or `UNLABELED`. */
  readonly y: Int32Array;
  readonly count: number;
}

export interface DatasetInfo {
  /** Shape of one sample, without the batch dimension (`[784]`, `[28, 28, 1]`). */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

export interface Dataset extends DatasetInfo {
  readonly train: DataSplit;
  readonly validation?: DataSplit;
  readonly test: DataSplit;
  /**
   * What a teacher stage trains on, when it differs from the labelled part of `train`: a dataset that hides labels from
   * the student (a transfer set) can give the teacher, which stands for a model trained elsewhere, the full labels.
   */
  readonly teacherTrain?: DataSplit;
  /** A stable digest of everything that defines the data, for caches (teacher outputs, trained teachers). */
  readonly fingerprint: string;
}
