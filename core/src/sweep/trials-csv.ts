// `trials.csv`: one row per trial — its parameters, status, metric and run directory — for spreadsheets and MLflow.
// With several objectives, constraints or repeats, a column per objective and constrained metric, whether the trial met
// the constraints, whether it is on the Pareto front, and the configuration, run and seed of each repeat.
import type { SweepRecord } from './sweep-record.js';
import { isMultiObjective, objectivesOf } from './sweep-results.js';

export function formatTrialsCsv(record: SweepRecord): string {
  const keys = record.spec.parameters.map((p) => p.key);
  const multi = isMultiObjective(record);
  const metricNames = multi
    ? [...new Set([...objectivesOf(record).names, ...(record.spec.constraints ?? []).map((c) => c.metric)])]
    : [record.spec.metric.name];
  const repeats = (record.spec.repeats ?? 1) > 1;
  const front = new Set(record.pareto ?? []);
  const header = ['trial', 'status', ...keys, ...metricNames, ...(multi ? ['feasible', 'pareto'] : []), ...(repeats ? ['config', 'repeat', 'seed'] : []), 'epochs', 'duration_s', 'run_dir', 'error'];
  const rows = record.trials.map((t) => [
    t.trial,
    t.status,
    ...keys.map((key) => t.params[key]),
    ...(multi ? metricNames.map((name) => t.metrics?.[name] ?? (name === record.spec.metric.name ? t.metric : undefined) ?? '') : [t.metric ?? '']),
    ...(multi ? [t.feasible === undefined ? '' : t.feasible ? 1 : 0, front.has(t.trial) ? 1 : 0] : []),
    ...(repeats ? [t.config ?? '', t.repeat ?? '', t.seed ?? ''] : []),
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
