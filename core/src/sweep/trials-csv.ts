// `trials.csv`: one row per trial — its parameters, status, metric and run directory — for spreadsheets and MLflow.
import type { SweepRecord } from './sweep-record.js';

export function formatTrialsCsv(record: SweepRecord): string {
  const keys = record.spec.parameters.map((p) => p.key);
  const header = ['trial', 'status', ...keys, record.spec.metric.name, 'epochs', 'duration_s', 'run_dir', 'error'];
  const rows = record.trials.map((t) => [
    t.trial,
    t.status,
    ...keys.map((key) => t.params[key]),
    t.metric ?? '',
    t.epoch ?? '',
    t.durationMs === undefined ? '' : (t.durationMs / 1000).toFixed(1),
    t.runDir ?? '',
    t.error ?? t.stoppedEarly?.reason ?? '',
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; arrays and objects as JSON. */
export function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value) ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
