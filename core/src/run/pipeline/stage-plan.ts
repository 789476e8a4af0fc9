// A run is an explicit list of stage plans, each a plain value resolved from the manifest before anything trains, run
// one after another by one stage runner (`runStage`). A plan says which model it trains, on which objective, with
// which optimizer, schedule and budget; what a stage produced is its outcome (no out-parameters).
import type { OptimizerReference, SchedulerReference } from '../../manifest/generated/experiment.js';
import type { Resolved, ResolvedLossReference } from '../../manifest/resolved-experiment.js';
import type { StageResult } from '../../training/train-stage.js';

/** A loss reference of a plan, with the place it is written (inherited losses keep their origin's place). */
export type PlannedLoss = ResolvedLossReference & { readonly pointer: string };

/** One stage of a run, fully resolved from the manifest before anything trains. */
export interface StagePlan {
  /** Metric prefix and address: `teacher`, `teacher/<name>`, `student`, a user stage's name, `baseline`. */
  readonly name: string;
  readonly kind: 'teacher' | 'distill' | 'baseline';
  /** Which model it trains: the student (the baseline trains a fresh copy of it), or a teacher by name. */
  readonly model: 'student' | { readonly teacher: string };
  /** Built into loss terms once per run; teacher and baseline stages train on hard labels and list none. */
  readonly losses: readonly PlannedLoss[];
  readonly optimizer: Resolved<OptimizerReference>;
  readonly scheduler: Resolved<SchedulerReference>;
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly evalEvery: number;
  /** Layer names or prefixes ending in '*' kept as they are during the stage. */
  readonly trainable?: { readonly freeze: readonly string[] };
  /** Baseline: as many optimizer steps as these stages took together. */
  readonly budget?: { readonly stepsOf: readonly string[] };
  /** The manifest place, for messages (`/stages/1`, `/training`, `/teacher/train`). */
  readonly pointer: string;
  /** Where the optimizer and scheduler references are written (an inherited one: where its origin is). */
  readonly pointers: { readonly optimizer: string; readonly scheduler: string };
}

export interface StageOutcome {
  readonly plan: StagePlan;
  readonly result: StageResult;
}
