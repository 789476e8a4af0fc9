// The one place a run reports to: journals each event, then hands it to the trackers. A tracker's failure is logged
// and never stops training (the journal keeps the event for `distill sync`).
import { relative } from 'node:path';
import type { MetricPoint, RecordedEvent, RunEvent, RunStatus, Tracker } from '../plugins/tracker-plugin.js';
import { RunJournal, readJournal } from './run-journal.js';
import type { WarnSink } from '../plugins/run-services.js';

export class RunRecorder {
  private readonly journal: RunJournal;
  private readonly failedTrackers = new Set<number>();
  private ended = false;

  constructor(
    readonly runDir: string,
    private readonly trackers: readonly Tracker[],
    private readonly log: WarnSink,
  ) {
    this.journal = new RunJournal(runDir);
  }

  /** The journal's last sequence number (a checkpoint records where the journal was). */
  get journalSeq(): number {
    return this.journal.lastSeq;
  }

  async record(event: RunEvent): Promise<void> {
    const recorded = this.journal.append(event);
    await Promise.all(
      this.trackers.map(async (tracker, index) => {
        try {
          await tracker.handle(recorded);
        } catch (error) {
          if (!this.failedTrackers.has(index)) {
            this.failedTrackers.add(index);
            this.log.warn(`tracker failed (${(error as Error).message}); events stay in the run journal for \`distill sync\``);
          }
        }
      }),
    );
  }

  /** A resumed run: its journal's `run-started`, handed to the trackers again (marked `resumed`), not journaled again. */
  async resume(): Promise<void> {
    const started = readJournal(this.runDir).find((event) => event.type === 'run-started');
    if (!started) return;
    await Promise.all(this.trackers.map((tracker) => tracker.handle({ ...started, resumed: true } as RecordedEvent).catch((error: Error) => this.log.warn(`tracker failed (${error.message})`))));
  }

  params(params: Record<string, string>): Promise<void> {
    return this.record({ type: 'params', params });
  }

  tags(tags: Record<string, string>): Promise<void> {
    return this.record({ type: 'tags', tags });
  }

  metrics(points: MetricPoint[]): Promise<void> {
    return points.length ? this.record({ type: 'metrics', points }) : Promise.resolve();
  }

  /** `file` is inside the run directory already. */
  artifact(file: string): Promise<void> {
    return this.record({ type: 'artifact', path: relative(this.runDir, file).split('\\').join('/') });
  }

  async end(status: RunStatus, error?: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.record({ type: 'run-ended', status, endTime: Date.now(), ...(error ? { error } : {}) });
    await this.flush();
  }

  async flush(): Promise<void> {
    await Promise.all(this.trackers.map((tracker) => tracker.flush().catch(() => undefined)));
  }
}
