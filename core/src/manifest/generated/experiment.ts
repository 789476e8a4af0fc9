/* GENERATED FILE: do not edit. Generated from core/schemas/experiment.schema.json by `npm run generate:types`. */

/**
 * A number, or a schedule over epochs.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "ScheduledNumber".
 */
export type ScheduledNumber = number | NumberSchedule;

/**
 * A distill experiment manifest: a teacher, a student, the losses that transfer knowledge between them, and how to train, track and sweep.
 */
export interface Experiment {
  /**
   * Path or URL of this schema, so editors complete and check the manifest.
   */
  $schema?: string;
  /**
   * Experiment name: letters, digits, '.', '_' and '-'. Used in run directories and as the MLflow run name.
   */
  name: string;
  /**
   * Free text, recorded as the MLflow run note.
   */
  description?: string;
  /**
   * Seed for data order, initial weights and dropout.
   */
  seed?: number;
  /**
   * Compute backend. auto: tensorflow-gpu, then tensorflow (when installed), else wasm.
   */
  backend?: 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';
  /**
   * CPU threads the backend may use (default: all cores; `--threads` wins). tensorflow: its intra-op thread pool, fixed when the backend loads. wasm and cpu compute on one thread in Node whatever this says. More than the cores is clamped, with a warning; a sweep divides the cores between the trials it runs at once.
   */
  threads?: number;
  /**
   * Module specifiers of custom plugins: paths relative to this manifest, or npm package names.
   */
  plugins?: string[];
  dataset: DatasetReference;
  teacher?: TeacherReference;
  /**
   * Several teachers instead of `teacher`, by name (letters, digits, '_' and '-', starting with a letter): each is trained, evaluated and cached on its own, and a loss names the one it learns from with `teacher`.
   */
  teachers?: {
    [k: string]: TeacherReference;
  };
  student: ModelReference;
  /**
   * Terms of the student's objective; the total is their weighted sum. Required unless `stages` gives the first stage its own.
   *
   * @minItems 1
   */
  losses?: [LossReference, ...LossReference[]];
  optimizer?: OptimizerReference;
  scheduler?: SchedulerReference;
  training: Training;
  /**
   * The student's training as a sequence of stages (default: one stage, `student`, made of `losses`, `optimizer`, `scheduler` and `training`). A stage takes what it leaves out from the stage before it (the first from those keys); the baseline gets as many steps as all stages together.
   *
   * @minItems 1
   */
  stages?: [Stage, ...Stage[]];
  pruning?: Pruning;
  export?: Export;
  tracking?: TrackerReference;
  sweep?: Sweep;
}
/**
 * A registered dataset plugin and its params.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "DatasetReference".
 */
export interface DatasetReference {
  /**
   * Name of a dataset plugin (see `distill plugins`).
   */
  type: string;
  params?: Params;
  tokenizer?: TokenizerReference;
}
/**
 * Parameters of the plugin, validated against the schema the plugin declares.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Params".
 */
export interface Params {
  [k: string]: unknown;
}
/**
 * For a text dataset: a registered tokenizer plugin and its params (how text becomes token ids; the vocabulary is learned from the training split and saved with the student).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "TokenizerReference".
 */
export interface TokenizerReference {
  /**
   * Name of a tokenizer plugin (`word`).
   */
  type: string;
  params?: Params;
}
/**
 * A teacher: a model plugin (one without trained weights is trained first, in a teacher stage configured by `train`) or a teacher-source plugin (predictions from elsewhere; never trained).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "TeacherReference".
 */
export interface TeacherReference {
  /**
   * Name of a model plugin or a teacher-source plugin (see `distill plugins`).
   */
  type: string;
  params?: Params;
  train?: TeacherTraining;
}
/**
 * How the teacher stage trains a teacher that has no saved weights (hard labels, cross-entropy).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "TeacherTraining".
 */
export interface TeacherTraining {
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerReference;
  scheduler?: SchedulerReference;
}
/**
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "OptimizerReference".
 */
export interface OptimizerReference {
  /**
   * Name of an optimizer plugin.
   */
  type: string;
  params?: Params;
}
/**
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "SchedulerReference".
 */
export interface SchedulerReference {
  /**
   * Name of a learning-rate scheduler plugin.
   */
  type: string;
  params?: Params;
}
/**
 * A registered model plugin and its params.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "ModelReference".
 */
export interface ModelReference {
  /**
   * Name of a model plugin (see `distill plugins`).
   */
  type: string;
  params?: Params;
}
/**
 * A registered loss plugin, its params and its weight in the total.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "LossReference".
 */
export interface LossReference {
  /**
   * Name of a loss plugin (see `distill plugins`).
   */
  type: string;
  params?: Params;
  weight?: ScheduledNumber;
  /**
   * Name under which the term is logged (default: the type; repeated types get a suffix).
   */
  name?: string;
  /**
   * The teacher (a name in `teachers`) this loss learns from; default: the only teacher, else the first.
   */
  teacher?: string;
}
/**
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "NumberSchedule".
 */
export interface NumberSchedule {
  /**
   * linear: straight line; cosine: half-cosine from `from` to `to`.
   */
  schedule: 'linear' | 'cosine';
  /**
   * Value in the first epoch.
   */
  from: number;
  /**
   * Value from epoch `epochs` on (the last epoch by default).
   */
  to: number;
  /**
   * Epochs over which to move from `from` to `to` (default: the whole stage).
   */
  epochs?: number;
}
/**
 * The student stage.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Training".
 */
export interface Training {
  epochs: number;
  batchSize?: number;
  /**
   * Reshuffle the training split every epoch (seeded).
   */
  shuffle?: boolean;
  /**
   * Evaluate on the validation split every N epochs.
   */
  evalEvery?: number;
  /**
   * Also train the same student, from the same initial weights, on hard labels alone with the same budget.
   */
  baseline?: boolean;
  /**
   * Augmentations applied in order to every training batch of the student's stages and of the baseline (not of a teacher stage), seeded from the run's seed. Every frozen teacher then runs on the augmented batch at each step.
   */
  augment?: AugmentationReference[];
  checkpoint?: Checkpoint;
  earlyStopping?: EarlyStopping;
}
/**
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "AugmentationReference".
 */
export interface AugmentationReference {
  /**
   * Name of an augmentation plugin (`random-crop`, `horizontal-flip`, `mixup`, …).
   */
  type: string;
  params?: Params;
}
/**
 * Checkpoints `distill run` writes to `<run>/checkpoints/` (at the end of every epoch of every stage, and every `everySteps` steps), from which `distill run --resume <run>` continues.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Checkpoint".
 */
export interface Checkpoint {
  /**
   * Also write one every N optimizer steps of a stage (default: only at the end of each epoch).
   */
  everySteps?: number;
  /**
   * How many of the latest checkpoints to keep (besides the best one, with `earlyStopping`).
   */
  keep?: number;
}
/**
 * Stops each distillation stage when its validation metric has not improved for `patience` validations; with `restoreBest`, the stage ends with the weights of its best validation.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "EarlyStopping".
 */
export interface EarlyStopping {
  /**
   * The stage's validation metric judged: `val/loss`, `val/accuracy`, `val/agreement`, …
   */
  metric?: string;
  /**
   * Whether a lower (min) or a higher (max) value is better.
   */
  mode?: 'min' | 'max';
  /**
   * Validations without improvement before the stage stops (default: never stops; only the best is tracked).
   */
  patience?: number;
  /**
   * An improvement must be larger than this.
   */
  minDelta?: number;
  /**
   * End the stage with the weights (and the losses' variables) of its best validation.
   */
  restoreBest?: boolean;
}
/**
 * One stage of the student's training; what it leaves out it takes from the stage before it.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Stage".
 */
export interface Stage {
  /**
   * The stage's metrics are `<name>/train/...` and `<name>/val/...`; `--set stages.<name>.epochs=3` addresses it. Not `teacher` or `baseline`.
   */
  name: string;
  /**
   * The stage's objective (default: the previous stage's losses, the very same ones, so a connector they train keeps training).
   *
   * @minItems 1
   */
  losses?: [LossReference, ...LossReference[]];
  optimizer?: OptimizerReference;
  scheduler?: SchedulerReference;
  epochs?: number;
  batchSize?: number;
  trainable?: Trainable;
}
/**
 * Which of the student's layers a stage trains.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Trainable".
 */
export interface Trainable {
  /**
   * Layers left as they are during the stage: names, or prefixes ending in '*' (`hidden*`); [] trains every layer.
   */
  freeze: string[];
}
/**
 * Magnitude pruning of the student during its stage: the smallest weights of each pruned kernel are set to zero, more of them at each update, following a polynomial schedule; the masks are re-applied after every optimizer step, and the epochs after `endEpoch` fine-tune the pruned student.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Pruning".
 */
export interface Pruning {
  /**
   * Fraction of zeros at `startEpoch`.
   */
  initialSparsity?: number;
  /**
   * Fraction of zeros from `endEpoch` on.
   */
  finalSparsity: number;
  /**
   * When pruning starts, in epochs of the student stage (fractions allowed).
   */
  startEpoch?: number;
  /**
   * When the final sparsity is reached, in epochs (default: one epoch before the end, so the last epoch fine-tunes with the masks fixed).
   */
  endEpoch?: number;
  /**
   * Optimizer steps between mask updates.
   */
  frequency?: number;
  /**
   * Exponent of the polynomial schedule: s(t) = final + (initial - final) * (1 - t)^power, t from 0 at startEpoch to 1 at endEpoch.
   */
  power?: number;
  /**
   * layer: each kernel reaches the sparsity on its own; global: one magnitude threshold over every pruned kernel (layers with smaller weights lose more).
   */
  scope?: 'layer' | 'global';
  /**
   * Layers whose kernels are pruned (default: every layer with a `kernel`). Biases are never pruned.
   *
   * @minItems 1
   */
  layers?: [string, ...string[]];
}
/**
 * Exported variants of the student, in the TensorFlow.js layout that stock `tf.loadLayersModel` reads, each evaluated on the test split like the student.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Export".
 */
export interface Export {
  /**
   * Weight formats to export, each to `export/<format>/`: float32 (as trained), float16, or affine per-tensor uint16 / uint8 (value = q * scale + min). The first is the one you ship: its metrics are also reported as `deployed/...`.
   *
   * @minItems 1
   */
  quantize: ['float32' | 'float16' | 'uint16' | 'uint8', ...('float32' | 'float16' | 'uint16' | 'uint8')[]];
  /**
   * A variant whose test accuracy falls more than this below the float32 student's is reported as collapsed (a warning and a marked row).
   */
  maxAccuracyDrop?: number;
}
/**
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "TrackerReference".
 */
export interface TrackerReference {
  /**
   * Name of a tracker plugin (`local`, `mlflow`).
   */
  type: string;
  params?: Params;
}
/**
 * A hyperparameter sweep over this manifest (run with `distill sweep`); see docs/sweeps.md.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "Sweep".
 */
export interface Sweep {
  /**
   * grid: every combination of the parameters' `values`; random: independent seeded samples; tpe: Tree-structured Parzen Estimator (random for the first `tpe.startupTrials` trials, then proposals drawn towards the best results so far).
   */
  method?: 'grid' | 'random' | 'tpe';
  /**
   * What ranks the trials: a metric of the trial's summary.json.
   */
  metric?: {
    /**
     * `student/val/accuracy` (measured every epoch, so early termination can judge it), `student/test/accuracy`, `distillation/gain`, ...
     */
    name: string;
    goal?: 'maximize' | 'minimize';
  };
  /**
   * Several objectives at once (instead of `metric`): trials are ranked by Pareto dominance, the first metric breaking ties, and the Pareto front is marked. With method tpe, a multi-objective TPE.
   *
   * @minItems 1
   */
  metrics?: [
    {
      name: string;
      goal: 'maximize' | 'minimize';
    },
    ...{
      name: string;
      goal: 'maximize' | 'minimize';
    }[]
  ];
  /**
   * Conditions a trial must meet to be ranked above those that do not, and to be on the Pareto front: `<metric> <= <number>` (or <, >=, >), e.g. "student/parameters <= 50000".
   */
  constraints?: string[];
  /**
   * Runs each configuration this many times with derived seeds; configurations are ranked by the mean of the repeats (reported as mean ± std).
   */
  repeats?: number;
  /**
   * Search space, keyed by manifest path as `--set` writes it (`losses.0.params.temperature`). Paths joined by commas take their values together: `"losses.0.weight,losses.1.weight": { "values": [[0.9, 0.1], [0.5, 0.5]] }`.
   */
  parameters: {
    [k: string]: SweepParameter;
  };
  /**
   * Most trials to run: required for random and tpe; for grid, the first runCap points of the grid.
   */
  runCap?: number;
  /**
   * Trials at once, each in its own process (default: CPU cores; `--concurrency` wins).
   */
  concurrency?: number;
  /**
   * Seed of the search (default: the manifest seed).
   */
  seed?: number;
  earlyTerminate?: EarlyTerminate;
  tpe?: TpeSettings;
}
/**
 * Exactly one of `values`, `value`, or `distribution` with `min` and `max` (and `q` for the q_ distributions).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "SweepParameter".
 */
export interface SweepParameter {
  /**
   * Discrete choices (for comma-joined paths: one array per choice, a value per path).
   *
   * @minItems 1
   */
  values?: [unknown, ...unknown[]];
  /**
   * A single fixed value.
   */
  value?: {
    [k: string]: unknown;
  };
  /**
   * A range between min and max (the values themselves, also for the log distributions): uniform, uniform in log space, integers, and uniform / log-uniform rounded to a multiple of q.
   */
  distribution?: 'uniform' | 'log_uniform' | 'int_uniform' | 'q_uniform' | 'q_log_uniform';
  min?: number;
  max?: number;
  /**
   * Quantization step of q_uniform and q_log_uniform (default 1).
   */
  q?: number;
}
/**
 * Stops hopeless trials at an epoch boundary, judged on the sweep metric (which must be a `<stage>/val/...` metric).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "EarlyTerminate".
 */
export interface EarlyTerminate {
  /**
   * median: stop a trial whose best so far is worse than the median of the other trials' best at the same epoch; hyperband: at epochs minIter·eta^k, stop a trial outside the top 1/eta of the trials that reached that epoch before it (asynchronous successive halving).
   */
  type: 'median' | 'hyperband';
  /**
   * median: judge a trial only from this epoch on.
   */
  minEpochs?: number;
  /**
   * median: other trials that must have reached the epoch first.
   */
  minTrials?: number;
  /**
   * hyperband: keep the top 1/eta at each bracket.
   */
  eta?: number;
  /**
   * hyperband: first bracket epoch.
   */
  minIter?: number;
}
/**
 * Settings of the tpe method.
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "TpeSettings".
 */
export interface TpeSettings {
  /**
   * Random trials before the model takes over.
   */
  startupTrials?: number;
  /**
   * Samples drawn from the good-trials density; the one with the best good/bad density ratio is proposed.
   */
  candidates?: number;
  /**
   * Fraction of the finished trials counted as good.
   */
  gamma?: number;
}
/**
 * A sweep kept apart from its manifest: `distill sweep <sweep file>` sweeps the manifest it names (that manifest's own `sweep` is ignored).
 *
 * This interface was referenced by `Experiment`'s JSON-Schema
 * via the `definition` "SweepFile".
 */
export interface SweepFile {
  $schema?: string;
  /**
   * The base manifest, relative to this file.
   */
  manifest: string;
  sweep: Sweep;
}
