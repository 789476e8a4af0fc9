// @distill/core/run: run an experiment from code, as `distill run` does.
export { runExperiment, type RunRequest, type RunOutcome } from './run-experiment.js';
export type { RunSummary } from './run-summary.js';
export { createRunLog, type RunLog } from './run-logger.js';
export { silentProgress, type ProgressReporter } from './progress.js';
export { TrainingCache } from './cache/training-cache.js';
export { resolveTrackingTarget, type TrackingTarget, type TrackingChoice } from '../tracking/tracking-target.js';
export { prepareRun, type PreparedRun, type PreparedTeacher, type RunSplits } from './pipeline/prepare-run.js';
export { planStages, distillStageNames } from './pipeline/plan-stages.js';
export type { StagePlan, StageOutcome, PlannedLoss } from './pipeline/stage-plan.js';
export { runStage, type StageContext, type RunnerHooks } from './pipeline/run-stage.js';
export { StagePipeline, type PipelineOptions } from './pipeline/stage-pipeline.js';
export { lossVariableEntries, restoreLossVariables } from './loss-variables.js';
export type { StageState, StageHooks, StageResult } from '../training/train-stage.js';
