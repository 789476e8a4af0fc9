// Where trials run. The sweep proposes, judges and records trials the same way whatever runs them; an executor only
// carries a trial (data: its resolved manifest and ids, never code) to a process that runs it with `runTrial` — the
// one trial-running code path — and carries its per-epoch reports and the continue/stop answers back and forth.
// Local sweeps use child processes (ChildProcessExecutor); a queue executor can put the same tasks on workers.
import type { StageName } from '../training/train-stage.js';
import type { TrackingTarget } from '../tracking/tracking-target.js';

/** Everything a process needs to run one trial; plain JSON, so it can cross a process or a queue. */
export interface TrialTask {
  readonly sweepId: string;
  /** 1-based trial number. */
  readonly trial: number;
  readonly runId: string;
  /** The trial's manifest, validated and defaulted. */
  readonly manifest: Record<string, unknown>;
  /** The base manifest's path: relative paths in the manifest resolve from its directory. */
  readonly manifestFile: string;
  /** `--plugin` modules, as absolute paths or package names. */
  readonly plugins: readonly string[];
  /**
   * A queue worker's trial: only the built-in plugins and `plugins` (the worker's own `--plugin` modules) are loaded,
   * never the modules the manifest lists (a job's manifest is untrusted input and never names code to import).
   */
  readonly workerPluginsOnly?: boolean;
  /** Parent of the run directory. */
  readonly outDir: string;
  /** Extra run tags: the sweep, the trial, and those that make the tracker nest the run under the sweep. */
  readonly tags: Readonly<Record<string, string>>;
  /** Where the trial is recorded, resolved once by the sweep. */
  readonly tracking: TrackingTarget;
  /** The teacher cache shared by every trial (and sweep) on this machine. */
  readonly trainingCacheDir: string;
  /**
   * Continue the interrupted run `<outDir>/<runId>` from its newest checkpoint (a resumed sweep's trial); without a
   * usable one by the time the trial starts, it fails.
   */
  readonly resume?: boolean;
}

export interface EpochReport {
  readonly stage: StageName;
  /** 0-based, as training counts. */
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface StepReport {
  readonly stage: StageName;
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly totalSteps: number;
}

export type EpochDecision = 'continue' | 'stop';

/** What the process running a trial reports, and how it is told to stop one early. */
export interface TrialObserver {
  progress?(report: StepReport): void;
  /** After each epoch's validation; 'stop' ends the stage there (early termination). */
  epoch(report: EpochReport): Promise<EpochDecision>;
}

export interface TrialOutcome {
  readonly status: 'FINISHED' | 'FAILED' | 'KILLED';
  readonly runId: string;
  /** Absent when the trial failed before its run directory existed. */
  readonly runDir?: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly stoppedEarly: boolean;
  readonly error?: string;
  readonly durationMs: number;
  /** Run directories of other attempts of the same trial (a queue trial handed out twice), besides `runDir`. */
  readonly otherRuns?: readonly string[];
}

export type TeacherTask = Omit<TrialTask, 'runId' | 'tags'>;

export interface TeacherOutcome {
  /** trained: the teacher stage ran and filled the cache; reused: the cache had it; pretrained: nothing to train. */
  readonly status: 'trained' | 'reused' | 'pretrained' | 'failed' | 'killed';
  readonly key?: string;
  readonly dir?: string;
  readonly error?: string;
  readonly durationMs: number;
}

export interface TeacherObserver extends TrialObserver {
  /**
   * The preparation holds the teacher cache's lock, or found the teacher in the cache: trials started from now on
   * wait for it rather than train it themselves.
   */
  claimed(): void;
}

export interface TrialExecutor {
  /** Runs one trial; aborting `signal` stops it cooperatively at its next step (outcome KILLED). */
  runTrial(task: TrialTask, observer: TrialObserver, signal: AbortSignal): Promise<TrialOutcome>;
  /** Trains the teacher the trials share into the cache, once, before they fan out. */
  prepareTeacher(task: TeacherTask, observer: TeacherObserver, signal: AbortSignal): Promise<TeacherOutcome>;
  /** Ends whatever still runs at once (a second Ctrl-C). */
  /** Gets runners for `count` concurrent jobs ready ahead of them (a hint: an executor may have nothing to prepare). */
  prewarm?(count: number): void;
  forceStop(): void;
  /** Releases what the executor holds (idle processes, connections) once the sweep is over. */
  close(): Promise<void>;
}
