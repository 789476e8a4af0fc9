// The IPC messages between a sweep and the child process running one trial (or the shared teacher).
import type { EpochDecision, EpochReport, StepReport, TeacherOutcome, TeacherTask, TrialOutcome, TrialTask } from './trial-executor.js';

export type ParentMessage =
  | { readonly type: 'trial'; readonly task: TrialTask }
  | { readonly type: 'teacher'; readonly task: TeacherTask }
  | { readonly type: 'decision'; readonly seq: number; readonly decision: EpochDecision };

export type ChildMessage =
  | { readonly type: 'progress'; readonly report: StepReport }
  /** Waits for a `decision` with the same seq. */
  | { readonly type: 'epoch'; readonly seq: number; readonly report: EpochReport }
  /** The teacher preparation holds the cache's lock (or found the teacher there): trials can start. */
  | { readonly type: 'claimed' }
  | { readonly type: 'result'; readonly outcome: TrialOutcome | TeacherOutcome };
