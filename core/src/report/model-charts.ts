// Teacher, student and baseline side by side: a small bar chart per measure of the final evaluation (test accuracy,
// test loss, agreement with the teacher, parameters, latency at batch 1 and 128), read from summary.json.
import { chartSpec, colorScale } from './chart-theme.js';
import type { Chart } from './page-model.js';

export const ROLES = ['teacher', 'student', 'baseline'] as const;

export interface ModelMeasure {
  readonly id: string;
  readonly title: string;
  /** The metric key for a role (`student/test/accuracy`). */
  readonly key: (role: string) => string;
  readonly format: string;
  /** Axis labels, when shorter than the values' format. */
  readonly axisFormat?: string;
  readonly caption: string;
  /** Whether more is better, for the caption's reading. */
  readonly unit?: string;
}

export const MODEL_MEASURES: readonly ModelMeasure[] = [
  { id: 'accuracy', title: 'Test accuracy', key: (r) => `${r}/test/accuracy`, format: '.2%', axisFormat: '.0%', caption: 'Top-1 accuracy on the test split. Higher is better.' },
  { id: 'agreement', title: 'Agreement with the teacher', key: (r) => `${r}/test/agreement`, format: '.2%', axisFormat: '.0%', caption: "Share of test samples where the model predicts the teacher's class." },
  { id: 'loss', title: 'Test loss', key: (r) => `${r}/test/loss`, format: '.4f', axisFormat: '.2~f', caption: 'Cross-entropy on the test split. Lower is better.' },
  { id: 'parameters', title: 'Parameters', key: (r) => `${r}/parameters`, format: ',d', axisFormat: ',d', caption: 'Trainable and frozen weights, counted.' },
  { id: 'latency1', title: 'Latency, batch 1', key: (r) => `${r}/latency/batch1Ms`, format: '.3f', axisFormat: '~g', unit: 'ms', caption: 'Milliseconds per sample at batch size 1 (median). Lower is better.' },
  { id: 'latency128', title: 'Latency, batch 128', key: (r) => `${r}/latency/batch128Ms`, format: '.4f', axisFormat: '~g', unit: 'ms', caption: 'Milliseconds per sample at batch size 128 (median). Lower is better.' },
];

/** One chart per measure that at least one model has a finite value for; the others are listed as missing. */
export function modelCharts(metrics: Readonly<Record<string, number>>): { charts: Chart[]; missing: string[] } {
  const charts: Chart[] = [];
  const missing: string[] = [];
  for (const measure of MODEL_MEASURES) {
    const rows = ROLES.flatMap((role) => {
      const value = metrics[measure.key(role)];
      return Number.isFinite(value) ? [{ model: role, value }] : [];
    });
    const nan = ROLES.filter((role) => Number.isNaN(metrics[measure.key(role)]));
    if (nan.length > 0) missing.push(`${measure.title.toLowerCase()} of the ${nan.join(' and ')} is NaN`);
    if (rows.length === 0) continue;
    charts.push({ id: `models-${measure.id}`, title: measure.title, caption: measure.caption, spec: barSpec(rows, measure), width: 'third' });
  }
  return { charts, missing };
}

function barSpec(rows: readonly { model: string; value: number }[], measure: ModelMeasure) {
  const y = { field: 'model', type: 'nominal', sort: [...ROLES], title: null, axis: { labelFontSize: 12, labelColor: '#374151', ticks: false, domain: false } };
  const x = { field: 'value', type: 'quantitative', title: measure.unit ?? null, axis: { format: measure.axisFormat ?? measure.format, tickCount: 4 }, scale: { zero: true, domainMax: Math.max(...rows.map((r) => r.value)) * 1.22, nice: false } };
  return chartSpec(
    {
      data: { values: rows },
      encoding: { y, x },
      layer: [
        {
          name: 'bars',
          mark: { type: 'bar', cornerRadiusEnd: 3, height: { band: 0.62 } },
          encoding: { color: { field: 'model', type: 'nominal', scale: colorScale(rows.map((r) => r.model)), legend: null }, tooltip: [{ field: 'model' }, { field: 'value', title: measure.title, format: measure.format }] },
        },
        { name: 'bar-labels', mark: { type: 'text', align: 'left', dx: 4, color: '#374151', fontWeight: 500 }, encoding: { text: { field: 'value', format: measure.format } } },
      ],
    },
    34 * rows.length + 30,
  );
}
