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
/** A shared teacher's files, named after their sha256. */
export const teacherKey = (digest: string) => `distill:teacher:${digest}`;
/**
 * The trial's committed result: the first attempt to finish (FINISHED or FAILED) sets it, once (SET NX); a later or
 * stale attempt of the same trial (its lock lost during a Redis outage, the job handed out again) finds it there and
 * returns it instead of its own, so the sweep records one result per trial whatever BullMQ delivered.
 */
export const resultKey = (jobId: string) => `distill:result:${jobId}`;
/** The run directory of each attempt of the trial, as the workers started them (listed as the trial's other runs). */
export const attemptsKey = (jobId: string) => `distill:attempts:${jobId}`;

export type { EpochDecision };
