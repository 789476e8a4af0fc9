// The trials in order of the sweep metric: best first, trials without a metric (failed, killed) last.
import Table from 'cli-table3';
import { displayPath } from '../display-path.js';
import type { Goal, SweepParameterSpec } from './sweep-spec.js';
import type { SweepRecord, TrialRecord } from './sweep-record.js';

/** cli-table3 borders without a rule between rows: one line per trial. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function rankTrials(trials: readonly TrialRecord[], goal: Goal): TrialRecord[] {
  const value = (t: TrialRecord) => (typeof t.metric === 'number' && Number.isFinite(t.metric) ? t.metric : undefined);
  return [...trials].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) return x === undefined && y === undefined ? a.trial - b.trial : x === undefined ? 1 : -1;
    return (goal === 'maximize' ? y - x : x - y) || a.trial - b.trial;
  });
}

export function bestTrial(record: SweepRecord): SweepRecord['best'] {
  const [best] = rankTrials(record.trials.filter((t) => t.status === 'finished' || t.status === 'stopped'), record.spec.metric.goal);
  if (!best || typeof best.metric !== 'number') return undefined;
  return { trial: best.trial, params: best.params, metric: best.metric, ...(best.runDir ? { runDir: best.runDir } : {}) };
}

export function formatParam(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value);
}

export function formatMetric(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(4) : '-';
}

/** The ranking table printed when a sweep ends, and the best configuration as `--set` flags. */
export function formatRanking(record: SweepRecord): string {
  const keys = record.spec.parameters.map((p) => p.key);
  const table = new Table({ head: ['rank', 'trial', ...keys, record.spec.metric.name, 'status', 'run directory'], style: { head: [], border: [] }, chars: COMPACT });
  rankTrials(record.trials, record.spec.metric.goal).forEach((t, i) => {
    const ranked = typeof t.metric === 'number';
    table.push([ranked ? String(i + 1) : '-', String(t.trial), ...keys.map((k) => formatParam(t.params[k])), formatMetric(t.metric), statusText(t), t.runDir ?? '']);
  });
  const lines = [table.toString()];
  const best = record.best;
  if (best) {
    lines.push(`best: trial ${best.trial}, ${record.spec.metric.name} = ${formatMetric(best.metric)} (${record.spec.metric.goal})`);
    lines.push(`  reproduce: distill run ${displayPath(record.baseFile)} ${setFlags(record, best.params).join(' ')}`);
  } else {
    lines.push('no trial produced the metric');
  }
  return lines.join('\n');
}

export function statusText(t: TrialRecord): string {
  return t.status === 'stopped' && t.stoppedEarly ? `stopped @${t.stoppedEarly.epoch}` : t.status;
}

/** `--set` flags that give the base manifest a trial's parameters. */
export function setFlags(record: { readonly spec: { readonly parameters: readonly Pick<SweepParameterSpec, 'key' | 'paths'>[] } }, params: Readonly<Record<string, unknown>>): string[] {
  return record.spec.parameters.flatMap((p) => {
    const values = p.paths.length > 1 ? (params[p.key] as unknown[]) : [params[p.key]];
    return p.paths.map((path, i) => `--set ${shellQuote(`${path.join('.')}=${JSON.stringify(values[i])}`)}`);
  });
}

function shellQuote(text: string): string {
  return /^[\w.,=:/+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
