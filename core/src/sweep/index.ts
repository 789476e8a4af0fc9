// Sweeps for embedders and other executors: open and validate a sweep, run it with the coordinator on an executor
// (child processes here), or run one trial task the way every executor does.
export { openSweep, type OpenSweepOptions, type OpenedSweep } from './open-sweep.js';
export { parseSweepSpec, type SweepSpec, type SweepParameterSpec, type ParameterDomain, type Assignment, type EarlyTerminateSpec } from './sweep-spec.js';
export { createProposer, type TrialProposer, type Observation } from './trial-proposer.js';
export { createEarlyStopper, type EarlyStopper, type StopDecision, type MetricHistories } from './early-termination.js';
export { SweepCoordinator, type SweepCoordinatorOptions, type TaskTemplate } from './sweep-coordinator.js';
export { SweepStore } from './sweep-store.js';
export { readSweepRecord, type SweepRecord, type TrialRecord, type TrialStatus } from './sweep-record.js';
export type * from './trial-executor.js';
export { ChildProcessExecutor } from './child-process-executor.js';
export { runTrial } from './run-trial.js';
export { prepareTeacher } from './prepare-teacher.js';
export type { TrialHooks } from './trial-hooks.js';
export { buildTrialManifest } from './trial-manifest.js';
export { formatRanking, rankTrials } from './sweep-ranking.js';
export { QueueExecutor, type QueueExecutorOptions } from './queue/queue-executor.js';
export { TrialWorker, type TrialWorkerOptions } from './queue/trial-worker.js';
export { redisConnection } from './queue/redis-connection.js';
