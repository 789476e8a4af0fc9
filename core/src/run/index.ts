// @distill/core/run: run an experiment from code, as `distill run` does.
export { runExperiment, type RunRequest, type RunOutcome } from './run-experiment.js';
export type { RunSummary } from './run-summary.js';
export { createRunLog, type RunLog } from './run-logger.js';
export { silentProgress, type ProgressReporter } from './progress.js';
export { TrainingCache } from './cache/training-cache.js';
export { resolveTrackingTarget, type TrackingTarget, type TrackingChoice } from '../tracking/tracking-target.js';
