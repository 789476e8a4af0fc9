// Tracker plugin point: receives every event a run records, in order.
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
  | { readonly type: 'run-started'; readonly runId: string; readonly name: string; readonly runDir: string; readonly startTime: number; readonly description?: string }
  | { readonly type: 'params'; readonly params: Readonly<Record<string, string>> }
  | { readonly type: 'tags'; readonly tags: Readonly<Record<string, string>> }
  | { readonly type: 'metrics'; readonly points: readonly MetricPoint[] }
  /** `path` is relative to the run directory, where the file already is. */
  | { readonly type: 'artifact'; readonly path: string }
  | { readonly type: 'run-ended'; readonly status: RunStatus; readonly endTime: number; readonly error?: string };

/** An event as the run journal (`events.jsonl`) holds it: numbered from 1 in the order it happened. */
export type RecordedEvent = RunEvent & { readonly seq: number };

export interface Tracker {
  /** Called in `seq` order; should queue and return quickly so training is never held up by a slow server. */
  handle(event: RecordedEvent): Promise<void>;
  /** Waits until everything handled so far is delivered (or recorded as pending). */
  flush(): Promise<void>;
}

export const TrackerPlugin = Symbol.for('distill.TrackerPlugin');
