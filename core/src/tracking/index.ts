// @distill/core/tracking: where runs are recorded — the tracking target, the run journal and recorder, `distill sync`,
// and the MLflow REST client and journal delivery the `mlflow` tracker is built on.
export * from './mlflow/index.js';
export { resolveTrackingTarget, publicTarget, DEFAULT_TRACKER, type TrackingTarget, type TrackingChoice } from './tracking-target.js';
export { RunJournal, readJournal, EVENTS_FILE, METRICS_FILE } from './run-journal.js';
export { RunRecorder } from './run-recorder.js';
export { syncRun, type SyncOptions, type RunSyncResult } from './sync-runs.js';
