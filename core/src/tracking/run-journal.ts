// The run's journal: every event appended to `events.jsonl` (and metric points to `metrics.jsonl`) before any tracker
// sees it, so nothing measured is lost when a tracker's server is down; `distill sync` replays it later.
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent, RunEvent } from '../plugins/tracker-plugin.js';
import { redactDeep } from '../secrets/redact.js';

export const EVENTS_FILE = 'events.jsonl';
export const METRICS_FILE = 'metrics.jsonl';

export class RunJournal {
  private seq: number;

  constructor(readonly runDir: string) {
    mkdirSync(runDir, { recursive: true });
    this.seq = readJournal(runDir).length;
  }

  /** The sequence number of the last event appended (0 when there is none). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Appends synchronously: a crash right after `append` returns still leaves the event on disk. Secrets are masked
   * here, so neither the journal nor any tracker (which gets the event returned) ever holds one.
   */
  append(event: RunEvent): RecordedEvent {
    const recorded = redactDeep({ seq: ++this.seq, ...event } as RecordedEvent);
    const stored = recorded.type === 'metrics' ? { ...recorded, points: recorded.points.map(encodeMetric) } : recorded;
    appendFileSync(join(this.runDir, EVENTS_FILE), `${JSON.stringify(stored)}\n`);
    if (recorded.type === 'metrics' && recorded.points.length > 0) {
      appendFileSync(join(this.runDir, METRICS_FILE), recorded.points.map((p) => `${JSON.stringify(encodeMetric(p))}\n`).join(''));
    }
    return recorded;
  }
}

// JSON has no NaN or Infinity; metrics.jsonl keeps them as strings, as MLflow's JSON does.
function encodeMetric<T extends { value: number }>(point: T): T | (Omit<T, 'value'> & { value: string }) {
  return Number.isFinite(point.value) ? point : { ...point, value: String(point.value) };
}

/** Reads a run directory's journal; a torn last line (a crash mid-write) is ignored. */
export function readJournal(runDir: string): RecordedEvent[] {
  const file = join(runDir, EVENTS_FILE);
  if (!existsSync(file)) return [];
  const events: RecordedEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(decodeEvent(JSON.parse(line)));
    } catch {
      break;
    }
  }
  return events;
}

function decodeEvent(event: RecordedEvent): RecordedEvent {
  if (event.type !== 'metrics') return event;
  return { ...event, points: event.points.map((p) => ({ ...p, value: Number(p.value) })) };
}
