// Reads `metrics.jsonl` for a report: every metric point grouped by key, in the order they were logged. The file
// comes from a run directory that may be another machine's, still being written, or damaged: a torn last line (a run
// still writing, or one that crashed mid-write) is dropped quietly; any other unreadable line is skipped and reported.

export interface LoggedPoint {
  readonly step: number;
  readonly epoch: number;
  /** NaN and ±Infinity are logged as strings ("NaN") and read back as numbers. */
  readonly value: number;
}

export type MetricSeries = ReadonlyMap<string, readonly LoggedPoint[]>;

export interface MetricJournal {
  readonly series: MetricSeries;
  /** Lines that are not metric points (1-based line numbers), described. */
  readonly problems: readonly string[];
}

export function parseMetricJournal(text: string, file = 'metrics.jsonl'): MetricJournal {
  const series = new Map<string, LoggedPoint[]>();
  const problems: string[] = [];
  const lines = text.split('\n');
  const last = lines.length - 1;
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const point = metricPoint(line);
    if (typeof point === 'string') {
      // Only the last line can be half-written; a damaged line elsewhere is worth saying.
      if (index !== last) problems.push(`${file}:${index + 1}: ${point}`);
      return;
    }
    let points = series.get(point.key);
    if (!points) series.set(point.key, (points = []));
    points.push({ step: point.step, epoch: point.epoch, value: point.value });
  });
  return { series, problems: summarize(problems) };
}

function metricPoint(line: string): (LoggedPoint & { key: string }) | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (raw === null || typeof raw !== 'object') return 'not a metric point';
  const { key, value, step, epoch } = raw as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') return 'no "key"';
  if (!Number.isInteger(step) || (step as number) < 0) return `"${key}": "step" is not a whole number`;
  if (!Number.isInteger(epoch) || (epoch as number) < 0) return `"${key}": "epoch" is not a whole number`;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^(NaN|-?Infinity)$/.test(value) ? Number(value) : value === null ? NaN : undefined;
  if (number === undefined) return `"${key}": "value" is not a number`;
  return { key, value: number, step: step as number, epoch: epoch as number };
}

/** A damaged file could have thousands of bad lines: the first few, then a count. */
function summarize(problems: string[], shown = 5): string[] {
  return problems.length <= shown ? problems : [...problems.slice(0, shown), `… and ${problems.length - shown} more unreadable lines`];
}
