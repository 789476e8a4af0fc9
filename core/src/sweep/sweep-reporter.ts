// What a sweep shows while it runs: a live table on a terminal (the CLI's sweep-table-reporter.ts), plain lines otherwise
// (sweep-line-reporter.ts). The coordinator calls these; they only read the records they are handed.
import type { StopDecision } from './early-termination.js';
import type { StepReport, TeacherOutcome } from './trial-executor.js';
import type { TrialRecord } from './sweep-record.js';

export interface SweepReporter {
  teacherStarted(): void;
  teacherProgress(report: StepReport): void;
  teacherEnded(outcome: TeacherOutcome): void;
  trialStarted(trial: TrialRecord): void;
  trialProgress(trial: TrialRecord, report: StepReport): void;
  /** After the trial reported the sweep metric for an epoch (already in its history) and was judged. */
  trialEpoch(trial: TrialRecord, value: number, decision: StopDecision): void;
  trialEnded(trial: TrialRecord): void;
  message(text: string): void;
  close(): void;
}
