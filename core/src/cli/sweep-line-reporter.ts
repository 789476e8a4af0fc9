// Sweep progress as plain lines (logs, CI, pipes): one line per event that matters.
import { formatDuration } from './format-duration.js';
import type { StopDecision } from '../sweep/early-termination.js';
import type { StepReport, TeacherOutcome } from '../sweep/trial-executor.js';
import type { SweepRecord, TrialRecord } from '../sweep/sweep-record.js';
import type { SweepReporter } from '../sweep/sweep-reporter.js';
import { formatMetric, formatParam } from '../sweep/sweep-ranking.js';
import { shortKeys } from '../sweep/param-labels.js';

export class SweepLineReporter implements SweepReporter {
  private readonly labels: Map<string, string>;

  constructor(
    private readonly record: SweepRecord,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    this.labels = shortKeys(record.spec.parameters.map((p) => p.key));
  }

  teacherStarted(): void {
    this.write('teacher: training the teacher the trials share, once (they load it from the cache)');
  }

  teacherProgress(): void {}

  teacherEnded(outcome: TeacherOutcome): void {
    this.write(describeTeacher(outcome));
  }

  trialStarted(trial: TrialRecord): void {
    this.write(`trial ${trial.trial} started: ${this.params(trial)}`);
  }

  trialProgress(_trial: TrialRecord, _report: StepReport): void {}

  trialEpoch(trial: TrialRecord, value: number, decision: StopDecision): void {
    const best = this.record.best ? `; best so far ${formatMetric(this.record.best.metric)} (trial ${this.record.best.trial})` : '';
    const stop = decision.stop ? `; stopping it: ${decision.reason}` : '';
    this.write(`trial ${trial.trial} epoch ${trial.epoch}/${trial.epochs ?? '?'}: ${this.record.spec.metric.name} ${formatMetric(value)}${best}${stop}`);
  }

  trialEnded(trial: TrialRecord): void {
    this.write(describeEnd(trial, this.record.spec.metric.name));
  }

  message(text: string): void {
    this.write(text);
  }

  close(): void {}

  private params(trial: TrialRecord): string {
    return this.record.spec.parameters.map((p) => `${this.labels.get(p.key)}=${formatParam(trial.params[p.key])}`).join(' ');
  }
}

export function describeTeacher(outcome: TeacherOutcome): string {
  switch (outcome.status) {
    case 'trained':
      return `teacher: trained once in ${formatDuration(outcome.durationMs)}, cached as ${outcome.key}`;
    case 'reused':
      return `teacher: found in the cache (${outcome.key}); not trained again`;
    case 'pretrained':
      return 'teacher: pretrained; nothing to train';
    case 'killed':
      return 'teacher: interrupted';
    case 'failed':
      return `teacher: failed: ${outcome.error ?? 'unknown error'}`;
  }
}

export function describeEnd(trial: TrialRecord, metric: string): string {
  const took = trial.durationMs === undefined ? '' : ` in ${formatDuration(trial.durationMs)}`;
  switch (trial.status) {
    case 'finished':
      return `trial ${trial.trial} finished${took}: ${metric} ${formatMetric(trial.metric)}`;
    case 'stopped':
      return `trial ${trial.trial} stopped early at epoch ${trial.stoppedEarly?.epoch}${took}: ${metric} ${formatMetric(trial.metric)}`;
    case 'killed':
      return `trial ${trial.trial} interrupted; it runs again on --resume`;
    default:
      return `trial ${trial.trial} failed${took}: ${trial.error ?? 'unknown error'}`;
  }
}
