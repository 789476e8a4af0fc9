// The trials in order of the sweep metric: best first, trials without a metric (failed, killed) last.
import Table from 'cli-table3';
import { displayPath } from '../display-path.js';
import type { Goal, SweepParameterSpec } from './sweep-spec.js';
import type { SweepRecord, TrialRecord } from './sweep-record.js';
import { isMultiObjective, objectivesOf, rankedEntries, type RankedEntry } from './sweep-results.js';

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
  if (isMultiObjective(record)) {
    // The first ranked entry: on the front (feasible first), best in the first objective; its best run.
    const [entry] = rankedEntries(record);
    if (!entry || entry.front === undefined || !entry.feasible) return undefined;
    const runs = record.trials.filter((t) => entry.trials.includes(t.trial) && typeof t.metric === 'number');
    const [run] = rankTrials(runs, record.spec.metric.goal);
    if (!run) return undefined;
    return { trial: run.trial, params: run.params, metric: entry.values[0] as number, ...(run.runDir ? { runDir: run.runDir } : {}) };
  }
  const [best] = rankTrials(record.trials.filter((t) => t.status === 'finished' || t.status === 'stopped'), record.spec.metric.goal);
  if (!best || typeof best.metric !== 'number') return undefined;
  return { trial: best.trial, params: best.params, metric: best.metric, ...(best.runDir ? { runDir: best.runDir } : {}) };
}

export function formatParam(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value);
}

export function formatMetric(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '-';
  // Counts (bytes, parameters) read as counts; rates and losses with four decimals.
  return Number.isInteger(value) && Math.abs(value) >= 10 ? String(value) : value.toFixed(4);
}

/** The ranking table printed when a sweep ends, and the best configuration as `--set` flags. */
export function formatRanking(record: SweepRecord): string {
  if (isMultiObjective(record)) return formatFrontRanking(record);
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

/**
 * Several objectives, constraints or repeats: one row per entry (a trial, or a configuration with mean ± std over its
 * runs), by front; the Pareto front marked with ★ and infeasible entries with ✗; then the front as `--set` flags.
 */
function formatFrontRanking(record: SweepRecord): string {
  const keys = record.spec.parameters.map((p) => p.key);
  const { names } = objectivesOf(record);
  const repeats = (record.spec.repeats ?? 1) > 1;
  const constrained = (record.spec.constraints ?? []).length > 0;
  const head = ['rank', repeats ? 'trials' : 'trial', ...keys, ...names.map((n, i) => `${n} (${objectivesOf(record).goals[i] === 'maximize' ? 'max' : 'min'})`), 'front', ...(constrained ? ['constraints'] : [])];
  const table = new Table({ head, style: { head: [], border: [] }, chars: COMPACT });
  const entries = rankedEntries(record);
  entries.forEach((entry, i) => {
    const ranked = entry.front !== undefined;
    table.push([
      ranked ? String(i + 1) : '-',
      entry.trials.join(','),
      ...keys.map((k) => formatParam(entry.params[k])),
      ...entry.values.map((v, j) => (repeats && v !== null ? `${formatMetric(v)} ± ${formatMetric(entry.std[j])}` : formatMetric(v))),
      !ranked ? '-' : entry.front === 0 && entry.feasible ? '★ pareto' : String(entry.front! + 1),
      ...(constrained ? [entry.feasible ? 'met' : '✗ not met'] : []),
    ]);
  });
  const lines = [table.toString()];
  const front = entries.filter((e) => e.front === 0 && e.feasible);
  if (front.length === 0) {
    lines.push(constrained ? `no trial met the constraints (${(record.spec.constraints ?? []).map((c) => c.text).join(', ')})` : 'no trial produced every objective');
    return lines.join('\n');
  }
  lines.push(`Pareto front: ${front.length} ${repeats ? 'configuration' : 'trial'}${front.length === 1 ? '' : 's'} (${names.join(', ')})`);
  for (const entry of front) lines.push(`  ${frontLine(record, entry, names)}`);
  return lines.join('\n');
}

function frontLine(record: SweepRecord, entry: RankedEntry, names: readonly string[]): string {
  const values = names.map((name, i) => `${name} ${formatMetric(entry.values[i])}`).join(', ');
  return `trial ${entry.trials.join(',')}: ${values} — distill run ${displayPath(record.baseFile)} ${setFlags(record, entry.params).join(' ')}`;
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
