// The IPC messages between a sweep and a child process running its trials (or the shared teacher), one at a time.
import type { EpochDecision, EpochReport, StepReport, TeacherOutcome, TeacherTask, TrialOutcome, TrialTask } from './trial-executor.js';

export type ParentMessage =
  /** threadsLimit: the CPU threads this job may use (the sweep's share of the cores), as DISTILL_THREADS_LIMIT. */
  | { readonly type: 'trial'; readonly task: TrialTask; readonly threadsLimit?: number }
  | { readonly type: 'teacher'; readonly task: TeacherTask; readonly threadsLimit?: number }
  | { readonly type: 'decision'; readonly seq: number; readonly decision: EpochDecision };

export type ChildMessage =
  | { readonly type: 'progress'; readonly report: StepReport }
  /** Waits for a `decision` with the same seq. */
  | { readonly type: 'epoch'; readonly seq: number; readonly report: EpochReport }
  /** The teacher preparation holds the cache's lock (or found the teacher there): trials can start. */
  | { readonly type: 'claimed' }
  /** `reusable`: the process stays for another job; otherwise it exits right after this message. */
  | { readonly type: 'result'; readonly outcome: TrialOutcome | TeacherOutcome; readonly reusable: boolean };
