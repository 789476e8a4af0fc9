// A manifest after validation: the generated `Experiment` with every default filled in, so code reads no `??`.
import type {
  DatasetReference,
  Experiment,
  LossReference,
  ModelReference,
  OptimizerReference,
  Params,
  SchedulerReference,
  Stage,
  TeacherReference,
  TeacherTraining,
  TrackerReference,
  Training,
} from './generated/experiment.js';

/** A plugin reference whose `params` were validated against the plugin's schema and hold its defaults. */
export type Resolved<R extends { params?: Params }> = Omit<R, 'params'> & { params: Params };

export type ResolvedLossReference = Resolved<LossReference> & Required<Pick<LossReference, 'weight'>>;

export type ResolvedTeacherTraining = Required<Omit<TeacherTraining, 'optimizer' | 'scheduler'>> & {
  optimizer: Resolved<OptimizerReference>;
  scheduler: Resolved<SchedulerReference>;
};

export type ResolvedTeacherReference = Resolved<Omit<TeacherReference, 'train'>> & { train: ResolvedTeacherTraining };

/** A stage as written, its references resolved; what it leaves out is taken from the stage before it (`planStages`). */
export type ResolvedStage = Omit<Stage, 'losses' | 'optimizer' | 'scheduler'> & {
  losses?: [ResolvedLossReference, ...ResolvedLossReference[]];
  optimizer?: Resolved<OptimizerReference>;
  scheduler?: Resolved<SchedulerReference>;
};

export type ResolvedExperiment = Omit<
  Experiment,
  | 'description' | 'seed' | 'backend' | 'plugins' | 'dataset' | 'teacher' | 'teachers' | 'student' | 'losses' | 'optimizer' | 'scheduler'
  | 'training' | 'stages' | 'tracking'
> & {
  description: string;
  seed: number;
  backend: NonNullable<Experiment['backend']>;
  plugins: string[];
  dataset: Resolved<DatasetReference>;
  /** Exactly one of `teacher` and `teachers` is present (`teacherEntries` reads either). */
  teacher?: ResolvedTeacherReference;
  teachers?: Record<string, ResolvedTeacherReference>;
  student: Resolved<ModelReference>;
  /** Absent only when `stages` gives the first stage its own losses. */
  losses?: [ResolvedLossReference, ...ResolvedLossReference[]];
  optimizer: Resolved<OptimizerReference>;
  scheduler: Resolved<SchedulerReference>;
  training: Required<Training>;
  stages?: [ResolvedStage, ...ResolvedStage[]];
  tracking: Resolved<TrackerReference>;
};
