// The learning curves of one stage (teacher, student or baseline) from its metric journal: training loss and each
// loss term per step with the validation loss per epoch; validation accuracy and agreement per epoch; the learning
// rate; and every scheduled value (each term's weight and temperature).
import { chartSpec, colorScale } from './chart-theme.js';
import { epochCurve, stepCurve } from './curve-points.js';
import type { MetricSeries } from './metric-journal.js';
import type { Chart } from './page-model.js';

export interface StageCurves {
  readonly charts: readonly Chart[];
  /** Learning rate and scheduled values that stayed the same all stage: `weight/cross-entropy 0.1`. */
  readonly constants: readonly string[];
  /** `key: n values` for metrics with NaN or infinite values, which the charts leave out. */
  readonly nonFinite: readonly string[];
}

export interface Row {
  readonly series: string;
  readonly x: number;
  readonly step: number;
  readonly value: number;
}

export function stageCurves(series: MetricSeries, stage: string): StageCurves {
  const prefix = `${stage}/train/`;
  const nonFinite: string[] = [];
  const steps = (key: string, name: string): Row[] => {
    const curve = stepCurve(series.get(key) ?? []);
    if (curve.nonFinite > 0) nonFinite.push(`${key}: ${curve.nonFinite}`);
    return curve.points.map((p) => ({ series: name, ...p }));
  };
  const epochs = (key: string, name: string): Row[] => {
    const curve = epochCurve(series.get(key) ?? []);
    if (curve.nonFinite > 0) nonFinite.push(`${key}: ${curve.nonFinite}`);
    return curve.points.map((p) => ({ series: name, x: p.epoch, step: p.step, value: p.value }));
  };
  const keys = [...series.keys()].filter((key) => key.startsWith(prefix));
  const terms = keys.filter((key) => key.startsWith(`${prefix}loss/`)).map((key) => key.slice(`${prefix}loss/`.length));
  const scheduled = keys.filter((key) => /^[^/]+\/.+/.test(key.slice(prefix.length)) && !key.startsWith(`${prefix}loss/`));

  const charts: Chart[] = [];
  const constants: string[] = [];
  // A single term is the total (times its weight): drawn once, as the total.
  const drawnTerms = terms.length > 1 ? terms : [];
  const lossRows = [...drawnTerms.flatMap((term) => steps(`${prefix}loss/${term}`, term)), ...steps(`${prefix}loss`, 'total')];
  const validationLoss = epochs(`${stage}/val/loss`, 'validation');
  if (lossRows.length + validationLoss.length > 0) {
    charts.push({
      id: `${stage}-loss`,
      title: 'Loss',
      caption: `Training loss per step${drawnTerms.length > 0 ? `, the weighted total and each term (${terms.join(', ')})` : terms.length === 1 ? ` (${terms[0]})` : ''}, faint, with its moving average; validation loss after each epoch.`,
      spec: curveSpec(lossRows, validationLoss, { title: 'loss', smooth: true }),
      width: 'half',
    });
  }
  const validation = [...epochs(`${stage}/val/accuracy`, 'accuracy'), ...epochs(`${stage}/val/agreement`, 'agreement with teacher')];
  if (validation.length > 0) {
    charts.push({
      id: `${stage}-validation`,
      title: 'Validation',
      caption: 'Accuracy on the validation split after each epoch' + (validation.some((r) => r.series !== 'accuracy') ? ", and top-1 agreement with the teacher's predictions." : '.'),
      spec: curveSpec([], validation, { title: 'validation', format: '.1%' }),
      width: 'half',
    });
  }
  // A learning rate or scheduled value that never changes is a number, not a chart.
  const varying = (rows: Row[], name: string) => {
    const values = new Set(rows.map((r) => r.value));
    if (values.size === 1) constants.push(`${name} ${formatConstant(rows[0].value)}`);
    return values.size > 1 ? rows : [];
  };
  const lr = varying(steps(`${prefix}lr`, 'learning rate'), 'learning rate');
  if (lr.length > 0) {
    charts.push({ id: `${stage}-lr`, title: 'Learning rate', caption: 'The learning rate the optimizer used at each step.', spec: curveSpec(lr, [], { title: 'learning rate', format: '.2~e', legend: false }), width: 'half' });
  }
  const schedule = scheduled.flatMap((key) => varying(steps(key, key.slice(prefix.length)), key.slice(prefix.length)));
  if (schedule.length > 0) {
    charts.push({
      id: `${stage}-schedule`,
      title: 'Scheduled values',
      caption: "Loss-term weights and parameters (such as a temperature) that follow a schedule, at each step.",
      spec: curveSpec(schedule, [], { title: 'value', zero: true }),
      width: 'half',
    });
  }
  return { charts, constants, nonFinite };
}

function formatConstant(value: number): string {
  return Number(value.toPrecision(6)).toString();
}

/** Fixed colours for the series every loss chart has; loss terms take the palette. */
const SERIES_COLORS: Readonly<Record<string, string>> = { total: '#1f2937', validation: '#d6336c' };

interface CurveOptions {
  readonly title: string;
  readonly format?: string;
  readonly legend?: boolean;
  /** Per-step lines drawn faint under their centred moving average (noisy training losses). */
  readonly smooth?: boolean;
  /** Start the value axis at zero. */
  readonly zero?: boolean;
  /** Colours by series name, when not the theme's (a comparison's run colours). */
  readonly colors?: { readonly domain: readonly string[]; readonly range: readonly string[] };
}

/**
 * Per-step lines (mark `steps`: one vertex per point given) and per-epoch lines with a point per epoch (marks
 * `epochs` and `epoch-points`), on one epoch axis, coloured by series; smoothed per-step lines are the `smoothed` mark.
 */
export function curveSpec(stepRows: readonly Row[], epochRows: readonly Row[], options: CurveOptions) {
  const names = [...new Set([...stepRows, ...epochRows].map((r) => r.series))];
  const scale = options.colors
    ? { domain: [...options.colors.domain], range: [...options.colors.range] }
    : fixedColors(names);
  const color = { field: 'series', type: 'nominal', title: null, scale, legend: options.legend === false ? null : { symbolType: 'stroke', symbolStrokeWidth: 3, symbolSize: 160 } };
  const window = options.smooth ? smoothingWindow(stepRows) : 0;
  const shown = [...(window > 0 ? movingAverages(stepRows, window) : stepRows.map((r) => r.value)), ...epochRows.map((r) => r.value)];
  const y = { field: 'value', type: 'quantitative', title: options.title, scale: valueDomain(shown, options.zero === true), axis: options.format ? { format: options.format } : {} };
  const x = { field: 'x', type: 'quantitative', title: 'epoch', scale: { nice: false }, axis: { tickMinStep: 1 } };
  const valueFormat = options.format ?? '.4~g';
  const tooltip = [
    { field: 'series', type: 'nominal', title: 'series' },
    { field: 'x', type: 'quantitative', title: 'epoch', format: '.2f' },
    { field: 'step', type: 'quantitative', title: 'step' },
    { field: 'value', type: 'quantitative', title: options.title, format: valueFormat },
  ];
  const layers: Record<string, unknown>[] = [];
  if (stepRows.length > 0) {
    layers.push({
      name: 'steps',
      data: { values: stepRows },
      mark: { type: 'line', interpolate: 'linear', strokeWidth: window > 0 ? 1 : 1.6, opacity: window > 0 ? 0.28 : 1, clip: true, tooltip: window === 0 },
      encoding: { x, y, color, ...(window === 0 ? { tooltip } : {}) },
    });
  }
  if (window > 0) {
    layers.push({
      name: 'smoothed',
      data: { values: stepRows },
      transform: [{ window: [{ op: 'mean', field: 'value', as: 'smoothed' }], frame: [-window, window], groupby: ['series'], sort: [{ field: 'step' }] }],
      mark: { type: 'line', strokeWidth: 1.8, clip: true },
      encoding: { x, y: { ...y, field: 'smoothed' }, color, tooltip: [...tooltip.slice(0, 3), { field: 'smoothed', type: 'quantitative', title: `${options.title} (moving average)`, format: valueFormat }] },
    });
  }
  if (epochRows.length > 0) {
    layers.push({ name: 'epochs', data: { values: epochRows }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color } });
    layers.push({ name: 'epoch-points', data: { values: epochRows }, mark: { type: 'point', size: epochRows.length > 200 ? 10 : 30, filled: true, opacity: 1 }, encoding: { x, y, color, tooltip } });
  }
  return chartSpec({ layer: layers, resolve: { scale: { color: 'shared' } } });
}

function fixedColors(names: readonly string[]): { domain: string[]; range: string[] } {
  const palette = colorScale(names.filter((name) => !SERIES_COLORS[name]));
  return { domain: [...names], range: names.map((name) => SERIES_COLORS[name] ?? palette.range[palette.domain.indexOf(name)]) };
}

/** Half-width of the centred moving average: about a fortieth of the longest series; none for short ones. */
export function smoothingWindow(rows: readonly Row[]): number {
  const longest = Math.max(0, ...[...countBy(rows).values()]);
  return longest < 40 ? 0 : Math.max(1, Math.round(longest / 80));
}

function countBy(rows: readonly Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.series, (counts.get(r.series) ?? 0) + 1);
  return counts;
}

/** The centred moving averages the chart draws, to fit the value axis to them rather than to single noisy steps. */
function movingAverages(rows: readonly Row[], window: number): number[] {
  const bySeries = new Map<string, number[]>();
  for (const r of rows) (bySeries.get(r.series) ?? bySeries.set(r.series, []).get(r.series)!).push(r.value);
  return [...bySeries.values()].flatMap((values) =>
    values.map((_, i) => {
      const slice = values.slice(Math.max(0, i - window), i + window + 1);
      return slice.reduce((a, b) => a + b, 0) / slice.length;
    }),
  );
}

function valueDomain(values: readonly number[], zero: boolean): Record<string, unknown> {
  if (values.length === 0) return { zero };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  return { domain: [zero ? Math.min(0, min) : min - pad, max + pad], nice: false, zero };
}
