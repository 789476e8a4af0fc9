// The live sweep table on a terminal: one row per trial (parameters, status, stage and epoch, last metric, the trial's
// best), a header with the sweep's best so far, redrawn in place a few times a second.
import Table from 'cli-table3';
import type { StopDecision } from '../sweep/early-termination.js';
import type { StepReport, TeacherOutcome } from '../sweep/trial-executor.js';
import type { SweepRecord, TrialRecord } from '../sweep/sweep-record.js';
import type { SweepReporter } from '../sweep/sweep-reporter.js';
import { COMPACT, formatMetric, formatParam, rankTrials, statusText } from '../sweep/sweep-ranking.js';
import { shortKeys } from '../sweep/param-labels.js';
import { isMultiObjective, objectivesOf } from '../sweep/sweep-results.js';
import { describeEnd, describeTeacher } from './sweep-line-reporter.js';

const REDRAW_MS = 250;
const MESSAGES = 4;

export class SweepTableReporter implements SweepReporter {
  private readonly labels: Map<string, string>;
  private readonly steps = new Map<number, StepReport>();
  private readonly messages: string[] = [];
  private teacher: string | undefined;
  private drawnLines = 0;
  private dirty = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly record: SweepRecord,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.labels = shortKeys(record.spec.parameters.map((p) => p.key));
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  teacherStarted(): void {
    this.teacher = 'teacher: training the teacher the trials share, once';
    this.dirty = true;
  }

  teacherProgress(report: StepReport): void {
    this.teacher = `teacher: training, epoch ${report.epoch + 1}/${report.epochs}, step ${report.step}/${report.totalSteps}`;
    this.dirty = true;
  }

  teacherEnded(outcome: TeacherOutcome): void {
    this.teacher = describeTeacher(outcome);
    this.dirty = true;
  }

  trialStarted(): void {
    this.dirty = true;
  }

  trialProgress(trial: TrialRecord, report: StepReport): void {
    this.steps.set(trial.trial, report);
    this.dirty = true;
  }

  trialEpoch(trial: TrialRecord, _value: number, decision: StopDecision): void {
    if (decision.stop) this.message(`trial ${trial.trial}: stopping it: ${decision.reason}`);
    this.dirty = true;
  }

  trialEnded(trial: TrialRecord): void {
    this.steps.delete(trial.trial);
    if (trial.status === 'failed') this.message(describeEnd(trial, this.record.spec.metric.name));
    this.dirty = true;
  }

  message(text: string): void {
    this.messages.push(text);
    if (this.messages.length > MESSAGES) this.messages.shift();
    this.dirty = true;
  }

  close(): void {
    clearInterval(this.timer);
    this.dirty = true;
    this.draw();
  }

  private draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const columns = this.stream.columns ?? 200;
    // A line wider than the terminal wraps, and the next redraw would climb too few lines.
    const text = this.render().split('\n').map((line) => (line.length >= columns ? line.slice(0, columns - 1) : line)).join('\n');
    const clear = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    this.stream.write(`${clear}${text}\n`);
    this.drawnLines = text.split('\n').length;
  }

  private render(): string {
    const { record } = this;
    const done = record.trials.filter((t) => !['pending', 'running'].includes(t.status)).length;
    const running = record.trials.filter((t) => t.status === 'running').length;
    const best = record.best ? `best so far: trial ${record.best.trial}, ${record.spec.metric.name} ${formatMetric(record.best.metric)}` : 'no result yet';
    const front = isMultiObjective(record) && record.pareto?.length ? ` · Pareto front: trial${record.pareto.length === 1 ? '' : 's'} ${record.pareto.join(', ')}` : '';
    const lines = [`sweep ${record.sweepId} (${record.spec.method}): ${done} done, ${running} running · ${best}${front}`];
    if (this.teacher) lines.push(this.teacher);
    const multi = isMultiObjective(record);
    const head = multi ? ['trial', 'params', 'status', 'epoch', ...objectivesOf(record).names, 'pareto'] : ['trial', 'params', 'status', 'epoch', record.spec.metric.name, 'best'];
    const table = new Table({ head, style: { head: [], border: [] }, chars: COMPACT });
    for (const trial of this.visibleTrials()) table.push(this.row(trial));
    lines.push(table.toString(), ...this.messages);
    return lines.join('\n');
  }

  /** All trials when they fit; else the running ones, the best five and the latest ones. */
  private visibleTrials(): TrialRecord[] {
    const limit = Math.max(6, (this.stream.rows ?? 40) / 2 - 6);
    const trials = this.record.trials.filter((t) => t.status !== 'pending');
    if (trials.length <= limit) return trials;
    const picked = new Set([
      ...trials.filter((t) => t.status === 'running'),
      ...rankTrials(trials, this.record.spec.metric.goal).slice(0, 5),
      ...trials.slice(-3),
    ]);
    return trials.filter((t) => picked.has(t));
  }

  private row(trial: TrialRecord): string[] {
    const params = this.record.spec.parameters.map((p) => `${this.labels.get(p.key)}=${formatParam(trial.params[p.key])}`).join(' ');
    const step = this.steps.get(trial.trial);
    const epoch = trial.status === 'running' && step ? `${step.stage} ${step.epoch + 1}/${step.epochs}` : trial.epoch ? `${trial.epoch}/${trial.epochs ?? '?'}` : '';
    const values = Object.values(trial.history);
    const last = typeof trial.metric === 'number' ? trial.metric : values.at(-1);
    if (isMultiObjective(this.record)) {
      const names = objectivesOf(this.record).names;
      const shown = names.map((name, i) => formatMetric(trial.metrics?.[name] ?? (i === 0 ? last : undefined)));
      // ★ on the Pareto front so far; ✗ missed a constraint.
      const mark = this.record.pareto?.includes(trial.trial) ? '★' : trial.feasible === false ? '✗' : '';
      return [String(trial.trial), params, statusText(trial), epoch, ...shown, mark];
    }
    const own = values.length ? (this.record.spec.metric.goal === 'maximize' ? Math.max(...values) : Math.min(...values)) : undefined;
    return [String(trial.trial), params, statusText(trial), epoch, formatMetric(last), formatMetric(own)];
  }
}
