// The sweep loop, independent of where trials run: train the shared teacher once, then keep `concurrency` trials
// going — the pending ones first (on resume), then new proposals — judge each trial's per-epoch metric for early
// termination, and record every change in the sweep directory. An interrupt stops proposing and lets the running
// trials end KILLED; on `--resume` they continue from their run's newest checkpoint (or start again without one).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PluginRegistries } from '../plugins/plugin-registry.js';
import { formatIssue } from '../manifest/manifest-error.js';
import { createEarlyStopper, type EarlyStopper, type StopDecision } from './early-termination.js';
import { epochMetric } from './sweep-metric.js';
import { sharesTeacher } from './shared-teacher.js';
import { createProposer, type Observation, type TrialProposer } from './trial-proposer.js';
import { buildTrialManifest, type RawManifest } from './trial-manifest.js';
import type { EpochDecision, EpochReport, TeacherTask, TrialExecutor, TrialObserver, TrialOutcome, TrialTask } from './trial-executor.js';
import type { SweepReporter } from './sweep-reporter.js';
import type { SweepStore } from './sweep-store.js';
import type { TrialRecord } from './sweep-record.js';
import { isMultiObjective, objectivesOf, rankedEntries } from './sweep-results.js';
import { satisfies } from './objectives.js';
import { deriveSeed } from '../random/seeded-random.js';
import { resumableCheckpoint } from '../run/checkpoints/resume-point.js';

/** What every trial's task has in common. */
export interface TaskTemplate {
  readonly manifestFile: string;
  readonly plugins: readonly string[];
  readonly tracking: TrialTask['tracking'];
  readonly trainingCacheDir: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SweepCoordinatorOptions {
  readonly store: SweepStore;
  /** The base manifest trials start from (as written, `--set` applied, without `sweep`). */
  readonly base: RawManifest;
  readonly registries: PluginRegistries;
  readonly executor: TrialExecutor;
  readonly concurrency: number;
  readonly reporter: SweepReporter;
  readonly template: TaskTemplate;
  /** Aborted on interrupt. */
  readonly signal: AbortSignal;
  /** Called (not awaited) after every trial ends: the tracker's record of the sweep follows the results. */
  readonly onTrialEnded?: () => void;
  /** Tags that make the tracker nest trial `trial`'s run under the sweep. */
  readonly trialTags?: (trial: number) => Readonly<Record<string, string>>;
}

const RERUN: ReadonlySet<TrialRecord['status']> = new Set(['pending', 'running', 'killed']);

export class SweepCoordinator {
  private readonly proposer: TrialProposer;
  private readonly stopper: EarlyStopper;
  private readonly judged: { stage: string; key: string } | undefined;
  private readonly histories = new Map<number, Map<number, number>>();
  /** The shared teacher could not be trained: every trial would fail the same way, so no more start. */
  private teacherFailed = false;

  constructor(private readonly options: SweepCoordinatorOptions) {
    const { spec } = options.store.record;
    this.proposer = createProposer(spec);
    this.stopper = createEarlyStopper(spec.earlyTerminate, spec.metric.goal);
    this.judged = epochMetric(spec.metric.name);
  }

  async run(): Promise<void> {
    const { store, signal } = this.options;
    const record = store.record;
    record.status = 'running';
    delete record.error;
    for (const trial of record.trials) {
      if (RERUN.has(trial.status)) trial.status = 'pending';
      else this.histories.set(trial.trial, new Map(Object.entries(trial.history).map(([e, v]) => [Number(e), v])));
    }
    store.save();
    await this.runTrials();
    if (signal.aborted) record.status = 'interrupted';
    else if (!this.teacherFailed) {
      const ended = record.trials.filter((t) => t.status !== 'pending');
      record.status = ended.length > 0 && ended.every((t) => t.status === 'failed') ? 'failed' : 'finished';
    }
    store.save();
  }

  /**
   * Keeps `concurrency` jobs going. The shared teacher's preparation takes the first slot; trials start in the others
   * as soon as it holds the teacher cache's lock (or found the teacher cached), so they wait for that teacher instead
   * of racing it to train their own, and a warm cache costs the sweep little idle time.
   */
  private async runTrials(): Promise<void> {
    const running = new Set<Promise<void>>();
    if (this.hasWork()) {
      let claimed!: () => void;
      const claim = new Promise<void>((resolve) => (claimed = resolve));
      const teacher: Promise<void> = this.prepareSharedTeacher(claimed).finally(() => running.delete(teacher));
      running.add(teacher);
      await Promise.race([claim, teacher]);
    }
    while (!this.options.signal.aborted && !this.teacherFailed) {
      while (running.size < this.options.concurrency && !this.options.signal.aborted && !this.teacherFailed) {
        const trial = this.nextTrial();
        if (!trial) break;
        const job: Promise<void> = this.runOne(trial).finally(() => running.delete(job));
        running.add(job);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    await Promise.all(running);
  }

  private hasWork(): boolean {
    return this.options.store.record.trials.some((t) => t.status === 'pending') || this.configurations() < this.proposer.limit;
  }

  /** Configurations proposed so far: trials, or with `repeats` the distinct configurations they run. */
  private configurations(): number {
    const { trials, spec } = this.options.store.record;
    return (spec.repeats ?? 1) > 1 ? new Set(trials.map((t) => t.config)).size : trials.length;
  }

  /** A pending trial (resume), else a new proposal, else nothing: the sweep has proposed all it will. */
  private nextTrial(): TrialRecord | undefined {
    const record = this.options.store.record;
    const pending = record.trials.find((t) => t.status === 'pending');
    if (pending) return pending;
    const index = this.configurations();
    if (index >= this.proposer.limit) return undefined;
    const params = this.proposer.propose(index, this.observations());
    const repeats = record.spec.repeats ?? 1;
    // With repeats, a configuration is run once per derived seed, each run a trial of its own.
    const baseSeed = typeof this.options.base.seed === 'number' ? this.options.base.seed : 42;
    const added = Array.from({ length: repeats }, (_, r): TrialRecord => ({
      trial: record.trials.length + r + 1,
      params,
      status: 'pending',
      history: {},
      ...(repeats > 1 ? { config: index + 1, repeat: r + 1, seed: deriveSeed(baseSeed, `repeat:${r + 1}`) } : {}),
    }));
    record.trials.push(...added);
    return added[0];
  }

  private observations(): Observation[] {
    const record = this.options.store.record;
    if (!isMultiObjective(record)) {
      return record.trials
        .filter((t) => (t.status === 'finished' || t.status === 'stopped') && typeof t.metric === 'number')
        .map((t) => ({ params: t.params, value: t.metric as number }));
    }
    return rankedEntries(record)
      .filter((e) => e.front !== undefined)
      .map((e) => ({ params: e.params, value: e.values[0] as number, values: e.values as number[], feasible: e.feasible }));
  }

  private async runOne(trial: TrialRecord): Promise<void> {
    const { store, reporter, template } = this.options;
    const record = store.record;
    const built = buildTrialManifest(this.options.base, record.spec.parameters, trial.params, this.options.registries);
    const resume = this.begin(trial);
    if (!built.manifest) {
      const issues = built.issues.map((issue) => formatIssue({ file: 'sweep', line: 0, column: 0, ...issue }));
      this.end(trial, { status: 'FAILED', runId: trial.runId!, metrics: {}, stoppedEarly: false, error: `invalid trial manifest: ${issues.join('; ')}`, durationMs: 0 });
      return;
    }
    if (trial.seed !== undefined) built.manifest.seed = trial.seed;
    trial.epochs = (built.manifest.training as { epochs?: number } | undefined)?.epochs;
    store.save();
    reporter.trialStarted(trial);
    const task: TrialTask = {
      ...template,
      sweepId: record.sweepId,
      trial: trial.trial,
      runId: trial.runId!,
      manifest: built.manifest,
      outDir: store.runsDir,
      tags: { ...template.tags, 'distill.sweep.trial': String(trial.trial), ...this.options.trialTags?.(trial.trial) },
      ...(resume ? { resume: true } : {}),
    };
    const outcome = await this.options.executor.runTrial(task, this.observer(trial), this.options.signal).catch(
      (error: unknown): TrialOutcome => ({ status: 'FAILED', runId: task.runId, metrics: {}, stoppedEarly: false, error: String(error), durationMs: 0 }),
    );
    this.end(trial, outcome);
  }

  /**
   * A trial run again (after an interrupt) continues its run from the run's newest checkpoint, keeping its id, its
   * directory and the epochs of its history the checkpoint had; without a usable checkpoint it gets a new run id, its
   * earlier run directory staying, listed. Returns whether the trial resumes.
   */
  private begin(trial: TrialRecord): boolean {
    const { store } = this.options;
    const runDir = (runId: string) => relative(store.dir, join(store.runsDir, runId));
    const checkpoint = trial.runId ? resumableCheckpoint(join(store.runsDir, trial.runId), { warn: (message) => this.options.reporter.message(`trial ${trial.trial}: ${message}`) }) : undefined;
    if (checkpoint && trial.runId) {
      const epochs = (this.judged && checkpoint.meta.stages[this.judged.stage]?.epoch) || 0;
      trial.history = Object.fromEntries(Object.entries(trial.history).filter(([epoch]) => Number(epoch) <= epochs));
      this.histories.set(trial.trial, new Map(Object.entries(trial.history).map(([e, v]) => [Number(e), v])));
      trial.runDir = runDir(trial.runId);
      trial.status = 'running';
      if (epochs) trial.epoch = epochs;
      else delete trial.epoch;
      for (const key of ['metric', 'metrics', 'feasible', 'stoppedEarly', 'error', 'endedAt', 'durationMs'] as const) delete trial[key];
      trial.resumedFrom = checkpoint.name;
      return true;
    }
    if (trial.runId && existsSync(join(store.runsDir, trial.runId))) trial.previousRuns = [...(trial.previousRuns ?? []), runDir(trial.runId)];
    const base = `${store.record.sweepId}-t${String(trial.trial).padStart(3, '0')}`;
    let attempt = (trial.previousRuns?.length ?? 0) + 1;
    while (existsSync(join(store.runsDir, attempt > 1 ? `${base}-r${attempt}` : base))) attempt++;
    trial.runId = attempt > 1 ? `${base}-r${attempt}` : base;
    trial.runDir = runDir(trial.runId);
    trial.status = 'running';
    trial.startedAt = new Date().toISOString();
    trial.history = {};
    for (const key of ['metric', 'metrics', 'feasible', 'epoch', 'stoppedEarly', 'error', 'endedAt', 'durationMs', 'resumedFrom'] as const) delete trial[key];
    this.histories.delete(trial.trial);
    return false;
  }

  private end(trial: TrialRecord, outcome: TrialOutcome): void {
    const { store, reporter } = this.options;
    const metric = outcome.metrics[store.record.spec.metric.name];
    trial.status = outcome.status === 'KILLED' ? 'killed' : outcome.status === 'FAILED' ? 'failed' : trial.stoppedEarly ? 'stopped' : 'finished';
    if (outcome.status === 'FINISHED') trial.metric = typeof metric === 'number' && Number.isFinite(metric) ? metric : null;
    if (outcome.status === 'FINISHED' && isMultiObjective(store.record)) this.recordObjectives(trial, outcome.metrics);
    if (outcome.error) trial.error = outcome.error;
    // The record names the run that produced the result: its id and directory always agree.
    trial.runId = outcome.runId;
    if (outcome.runDir) trial.runDir = relative(store.dir, outcome.runDir);
    else delete trial.runDir;
    const others = (outcome.otherRuns ?? []).map((dir) => relative(store.dir, dir)).filter((dir) => dir !== trial.runDir && !trial.previousRuns?.includes(dir));
    if (others.length > 0) trial.previousRuns = [...(trial.previousRuns ?? []), ...others];
    trial.endedAt = new Date().toISOString();
    trial.durationMs = outcome.durationMs;
    store.save();
    reporter.trialEnded(trial);
    this.options.onTrialEnded?.();
  }

  /** Every objective and constrained metric of an ended trial, and whether it met the constraints. */
  private recordObjectives(trial: TrialRecord, metrics: Readonly<Record<string, number>>): void {
    const constraints = this.options.store.record.spec.constraints ?? [];
    const names = [...new Set([...objectivesOf(this.options.store.record).names, ...constraints.map((c) => c.metric)])];
    const values = Object.fromEntries(names.map((name) => [name, typeof metrics[name] === 'number' && Number.isFinite(metrics[name]) ? metrics[name] : null]));
    trial.metrics = values;
    trial.feasible = constraints.every((c) => satisfies(c, values[c.metric]));
  }

  private observer(trial: TrialRecord): TrialObserver {
    return {
      progress: (report) => this.options.reporter.trialProgress(trial, report),
      epoch: async (report) => this.judge(trial, report),
    };
  }

  /** Records the sweep metric of an epoch and decides whether the trial goes on; only the metric's stage is judged. */
  private judge(trial: TrialRecord, report: EpochReport): EpochDecision {
    const value = this.judged && report.stage === this.judged.stage ? report.metrics[this.judged.key] : undefined;
    if (value === undefined || trial.status !== 'running') return 'continue';
    const epoch = report.epoch + 1;
    trial.history[String(epoch)] = value;
    trial.epoch = epoch;
    const history = this.histories.get(trial.trial) ?? new Map<number, number>();
    this.histories.set(trial.trial, history.set(epoch, value));
    const decision: StopDecision = this.options.signal.aborted ? { stop: false } : this.stopper.judge(trial.trial, epoch, this.histories);
    if (decision.stop) trial.stoppedEarly = { epoch, reason: decision.reason ?? 'early termination' };
    this.options.store.save();
    this.options.reporter.trialEpoch(trial, value, decision);
    return decision.stop ? 'stop' : 'continue';
  }

  private async prepareSharedTeacher(claimed: () => void): Promise<void> {
    const { store, reporter, template, executor, signal } = this.options;
    const record = store.record;
    if (!sharesTeacher(record.spec)) {
      record.teacher = { status: 'per-trial', durationMs: 0 };
      reporter.message('parameters change the teacher: each trial trains (or finds in the cache) its own');
      return;
    }
    const params = record.trials[0]?.params ?? this.proposer.propose(0, []);
    const built = buildTrialManifest(this.options.base, record.spec.parameters, params, this.options.registries);
    if (!built.manifest) return; // the trial reports it
    const task: TeacherTask = { ...template, sweepId: record.sweepId, trial: 0, manifest: built.manifest, outDir: join(store.dir, 'teacher') };
    reporter.teacherStarted();
    const outcome = await executor.prepareTeacher(task, { progress: (r) => reporter.teacherProgress(r), epoch: async () => 'continue', claimed }, signal);
    const earlier = record.teacher;
    record.teacher = outcome.status === 'reused' && earlier && earlier.status === 'trained' ? earlier : outcome;
    if (outcome.status === 'failed') {
      this.teacherFailed = true;
      record.status = 'failed';
      record.error = `the teacher the trials share could not be trained: ${outcome.error ?? 'unknown error'}`;
    }
    store.save();
    reporter.teacherEnded(outcome);
  }
}
