// What crosses the queue between a coordinator (`distill sweep --queue`) and workers (`distill worker`): data only —
// a trial's task, the plugins it needs, the shared teacher's address — and the Redis keys through which a worker
// waits for the coordinator's continue/stop answer after each epoch, or learns that the sweep was interrupted.
import type { EpochDecision, EpochReport, StepReport, TrialTask } from '../trial-executor.js';
import type { PluginRequirement } from './plugin-requirements.js';

export const QUEUE_NAME = 'distill-trials';

/** The shared teacher, trained once by the coordinator and published in Redis under its content key. */
export interface TeacherReference {
  readonly key: string;
  /** sha256 of the teacher's files, checked by the worker before it caches them. */
  readonly digest: string;
}

export interface TrialJobData {
  /** outDir, trainingCacheDir and plugins are the worker's own; the rest is used as sent. */
  readonly task: TrialTask;
  readonly requires: readonly PluginRequirement[];
  readonly teacher?: TeacherReference;
}

/** Job progress: step progress, or an epoch's metrics awaiting a decision under `decisionKey(jobId, seq)`. */
export type TrialJobProgress =
  | { readonly type: 'progress'; readonly report: StepReport }
  | { readonly type: 'epoch'; readonly seq: number; readonly report: EpochReport };

export const decisionKey = (jobId: string, seq: number) => `distill:decision:${jobId}:${seq}`;
/** Set when the coordinator is interrupted: the worker ends the trial KILLED at its next step. */
export const cancelKey = (jobId: string) => `distill:cancel:${jobId}`;
export const teacherKey = (key: string) => `distill:teacher:${key}`;

export type { EpochDecision };
