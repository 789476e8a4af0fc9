// Tracker plugin point: receives every event a run records, in order. Optional capabilities let a tracker be chosen by
// a tracking URI, group a sweep's trials under a run of its own, and send a run's journal later (`distill sync`):
// core uses them without knowing which tracker it talks to.
import type { Environment } from './run-services.js';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly epoch: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

export type RunEvent =
  | {
      readonly type: 'run-started';
      readonly runId: string;
      readonly name: string;
      readonly runDir: string;
      readonly startTime: number;
      readonly description?: string;
      /** What the run was started from, as the user would name it (the manifest's path). */
      readonly source?: string;
      /**
       * Set when a run is resumed from a checkpoint: the journal's own `run-started` handed to the trackers again (not
       * journaled again), so a tracker takes up the record it has of the run instead of starting one.
       */
      readonly resumed?: boolean;
    }
  | { readonly type: 'params'; readonly params: Readonly<Record<string, string>> }
  | { readonly type: 'tags'; readonly tags: Readonly<Record<string, string>> }
  | { readonly type: 'metrics'; readonly points: readonly MetricPoint[] }
  /** `path` is relative to the run directory, where the file already is. */
  | { readonly type: 'artifact'; readonly path: string }
  | { readonly type: 'run-ended'; readonly status: RunStatus; readonly endTime: number; readonly error?: string }
  | ModelEvent
  | DatasetEvent;

/**
 * A model the run produced: its files (a directory of the run, already written), the metrics that describe it (the
 * same points the run logged), and, with `register`, the registered model it becomes a new version of.
 */
export interface ModelEvent {
  readonly type: 'model';
  /** Unique within the run: `student`, `student-uint8`, … */
  readonly name: string;
  /** Directory relative to the run directory (`student`, `export/uint8`). */
  readonly path: string;
  /** How the files are laid out: `tfjs-layers` (model.json + weights). */
  readonly format: string;
  readonly metrics: readonly MetricPoint[];
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly register?: string;
}

/** A dataset the run read: what identifies it (a digest of its content), where it comes from, and its schema. */
export interface DatasetEvent {
  readonly type: 'dataset';
  readonly name: string;
  /** At most 36 characters. */
  readonly digest: string;
  readonly sourceType: string;
  /** JSON saying where the data comes from. */
  readonly source: string;
  /** JSON: the inputs' and targets' types and shapes. */
  readonly schema: string;
  /** JSON: sizes of the splits, number of classes. */
  readonly profile: string;
  /** How the run used it (`training`). */
  readonly context: string;
}

/** An event as the run journal (`events.jsonl`) holds it: numbered from 1 in the order it happened. */
export type RecordedEvent = RunEvent & { readonly seq: number };

export interface Tracker {
  /** Called in `seq` order; should queue and return quickly so training is never held up by a slow server. */
  handle(event: RecordedEvent): Promise<void>;
  /** Waits until everything handled so far is delivered (or recorded as pending). */
  flush(): Promise<void>;
  /**
   * Opens the tracker's record of a sweep (a parent run the trials nest under), or takes up the one `resumed` names;
   * undefined when it cannot. Only the sweep's own process calls it.
   */
  openSweep?(sweep: SweepInfo, resumed?: Readonly<Record<string, string>>): Promise<SweepTracking | undefined>;
  /** Sends what a run directory's journal holds and the tracker has not received yet. Idempotent. */
  sync?(runDir: string): Promise<SyncReport>;
  /**
   * Completes the record of a sweep that has ended (`distill sync` on a sweep directory) when it was left unfinished
   * — the sweep ended while the tracker was unreachable — and leaves one that is complete as it is. Says what it did.
   */
  syncSweep?(sweep: SweepInfo, state: Readonly<Record<string, string>>, progress: SweepProgress): Promise<SweepSyncReport>;
}

/**
 * How a tracker is chosen by a tracking URI: `--tracking-uri` sets `uriParam`; when the manifest names no tracker,
 * the environment variable `uriVariable` (if set) chooses this tracker. `complete` fills params from the environment
 * so the recorded target says where runs actually go.
 */
export interface TrackerAddressing<P = Record<string, unknown>> {
  readonly uriParam: string;
  readonly uriVariable?: string;
  complete?(params: P, environment: Environment): P;
  /**
   * Whether `environment` holds credentials this tracker would send to whatever server it is addressed to: a queue
   * worker that holds some runs only trials addressed to its own `uriVariable`'s server.
   */
  holdsCredentials?(environment: Environment): boolean;
}

/** A sweep, as a tracker records it. */
export interface SweepInfo {
  readonly sweepId: string;
  /** The experiment's name. */
  readonly name: string;
  /** ISO time the sweep started. */
  readonly createdAt: string;
  readonly method: string;
  readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize' };
  /** Every objective, when the sweep has several (the first is `metric`). */
  readonly objectives?: readonly { readonly name: string; readonly goal: 'minimize' | 'maximize' }[];
  /** One line saying what the sweep searches. */
  readonly description: string;
  /** Flat `key → value` settings of the sweep (`sweep.method`, `sweep.parameters.<path>`, …). */
  readonly params: Readonly<Record<string, string>>;
  /** The spec as written, for an artifact. */
  readonly spec: unknown;
}

export interface SweepProgress {
  readonly status: 'running' | 'finished' | 'interrupted' | 'failed';
  /** Trials by status (`finished`, `stopped`, `failed`, …). */
  readonly counts: Readonly<Record<string, number>>;
  /** Trials that ended so far (the step of the sweep's curves). */
  readonly ended: number;
  readonly best?: { readonly trial: number; readonly value: number; readonly runId?: string; readonly params: Readonly<Record<string, string>> };
  /** The trials on the Pareto front of the objectives so far (sweeps with several objectives or constraints). */
  readonly pareto?: readonly { readonly trial: number; readonly runId?: string }[];
  /** Files to attach when the sweep ends: `trials.csv`, `sweep.json`. */
  readonly files: readonly string[];
}

export interface SweepTracking {
  /** One line for the terminal: where the sweep is recorded. */
  readonly description: string;
  /** What `openSweep` needs to take this record up again when the sweep is resumed (kept in `sweep.json`). */
  readonly state: Readonly<Record<string, string>>;
  /** Tags for trial `trial`'s run, which make the tracker nest it under the sweep. */
  trialTags(trial: number): Readonly<Record<string, string>>;
  /** After a trial ended. Must not throw or wait on the network: report trouble through the tracker's warnings. */
  update(progress: SweepProgress): void;
  /** The sweep's end (any status); resolves when the tracker has the last of it. */
  end(progress: SweepProgress): Promise<void>;
}

export interface SweepSyncReport {
  /** One line for the terminal: completed, already complete, or why not. */
  readonly line: string;
  readonly error?: boolean;
}

export interface SyncReport {
  /** Events this call sent. */
  readonly sent: number;
  /** The journal's events now held by the tracker, and the journal's length. */
  readonly delivered: number;
  readonly total: number;
  /** Where the run is now (a URL), for the user. */
  readonly location?: string;
  readonly error?: string;
}
