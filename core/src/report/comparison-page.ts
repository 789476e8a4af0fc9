// Several runs side by side: a table of their headline numbers (the best of each marked), the manifest fields that
// differ between them (highlighted; the shared ones folded away), their validation and loss curves overlaid, and
// their test accuracies as grouped bars.
import { flattenManifest } from '../run/flatten-manifest.js';
import { chartSpec, PALETTE } from './chart-theme.js';
import { epochCurve, stepCurve } from './curve-points.js';
import { count, duration, percent, points, times, when } from './format.js';
import type { JsonObject } from './json-checks.js';
import { curveSpec } from './learning-curve-charts.js';
import { ROLES } from './model-charts.js';
import type { Block, Cell, Chart, Notice, ReportPage, Row, Section } from './page-model.js';
import type { RunData } from './read-run.js';
import { runLabel, setupText, statusTone } from './run-facts.js';

interface Measure {
  readonly label: string;
  readonly key: string;
  readonly format: (value: number | undefined) => string;
  readonly higherIsBetter: boolean;
}

const MEASURES: readonly Measure[] = [
  { label: 'student accuracy', key: 'student/test/accuracy', format: percent, higherIsBetter: true },
  { label: 'baseline accuracy', key: 'baseline/test/accuracy', format: percent, higherIsBetter: true },
  { label: 'gain', key: 'distillation/gain', format: points, higherIsBetter: true },
  { label: 'teacher accuracy', key: 'teacher/test/accuracy', format: percent, higherIsBetter: true },
  { label: 'agreement', key: 'student/test/agreement', format: percent, higherIsBetter: true },
  { label: 'compression', key: 'compression/ratio', format: times, higherIsBetter: true },
  { label: 'speedup b=1', key: 'speedup/batch1', format: times, higherIsBetter: true },
];

export function comparisonPage(runs: readonly RunData[]): ReportPage {
  const labels = runs.map(runLabel);
  const colors = runs.map((_, i) => PALETTE[i % PALETTE.length]);
  const differs = differingFields(runs.map((r) => r.manifest));
  return {
    kind: 'comparison',
    title: `${runs.length} runs compared`,
    facts: [
      { label: 'runs', value: [...new Set(runs.map((r) => r.name))].join(', ') },
      { label: 'they differ in', value: differs.differs.length > 0 ? differs.differs.join(', ') : 'nothing in their manifests' },
      ...(runs.every((r) => setupText(r.manifest) === setupText(runs[0].manifest)) && setupText(runs[0].manifest) ? [{ label: 'setup', value: setupText(runs[0].manifest)! }] : []),
    ],
    notices: comparisonNotices(runs, labels),
    sections: [runsSection(runs, labels, colors), differencesSection(differs, labels), curvesSection(runs, labels, colors), testSection(runs, labels, colors)],
    sources: runs.map((r) => r.dir),
  };
}

function comparisonNotices(runs: readonly RunData[], labels: readonly string[]): Notice[] {
  const lines = runs.flatMap((run, i) => [
    ...(run.partial ? [`${labels[i]}: has not ended (${run.status}); its test results are missing and its curves stop where it is.`] : []),
    ...(run.summary?.error ? [`${labels[i]}: ${run.status === 'KILLED' ? 'interrupted' : 'failed'}: ${run.summary.error}`] : []),
    ...run.problems.map((problem) => `${labels[i]}: ${problem}`),
  ]);
  return lines.length > 0 ? [{ tone: 'warn', title: 'Not every run is complete', lines }] : [];
}

function runsSection(runs: readonly RunData[], labels: readonly string[], colors: readonly string[]): Section {
  const measures = MEASURES.filter((m) => runs.some((r) => r.summary?.metrics[m.key] !== undefined));
  const best = measures.map((m) => {
    const values = runs.map((r) => r.summary?.metrics[m.key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length > 1 ? (m.higherIsBetter ? Math.max(...values) : Math.min(...values)) : undefined;
  });
  const rows: Row[] = runs.map((run, i) => ({
    cells: [
      { text: labels[i], swatch: colors[i], title: `${run.dir}, started ${when(run.startTime)}` },
      { text: run.partial ? `${run.status} · partial` : run.status, tone: statusTone(run.status) === 'good' ? undefined : statusTone(run.status) },
      { text: duration(run.summary?.durationMs), sort: run.summary?.durationMs ?? NaN },
      ...measures.map((m, j): Cell => {
        const value = run.summary?.metrics[m.key];
        return { text: m.format(value), sort: value ?? NaN, tone: value !== undefined && value === best[j] ? 'good' : undefined };
      }),
    ],
  }));
  return {
    id: 'runs',
    title: 'Runs',
    intro: 'Test results of each run; the best value of each column in green. Click a column to sort.',
    blocks: [{
      kind: 'table',
      table: {
        id: 'runs-table',
        sortable: true,
        columns: [{ label: 'run' }, { label: 'status' }, { label: 'duration', numeric: true }, ...measures.map((m) => ({ label: m.label, numeric: true, title: m.key }))],
        rows,
      },
    }],
  };
}

interface ManifestFields {
  /** Each run's manifest as dotted keys (undefined: the run has none). */
  readonly flat: readonly (Record<string, string> | undefined)[];
  readonly differs: readonly string[];
  readonly same: readonly string[];
}

/** The resolved-manifest fields, as dotted keys, that differ between the runs (the name and description aside). */
function differingFields(manifests: readonly (JsonObject | undefined)[]): ManifestFields {
  const flat = manifests.map((manifest) => (manifest ? flattenManifest(manifest) : undefined));
  const keys = [...new Set(flat.flatMap((f) => (f ? Object.keys(f) : [])))].filter((key) => key !== 'name' && key !== 'description');
  const differs = keys.filter((key) => new Set(flat.map((f) => (f ? f[key] ?? '(not set)' : '(no manifest)'))).size > 1);
  return { flat, differs, same: keys.filter((key) => !differs.includes(key)) };
}

function differencesSection({ flat, differs, same }: ManifestFields, labels: readonly string[]): Section {
  const blocks: Block[] = [];
  if (differs.length === 0) {
    blocks.push({ kind: 'note', text: 'The manifests are the same in every field but the name: the runs differ only in what was not in the manifest (the backend, or chance across machines).' });
  } else {
    blocks.push({
      kind: 'table',
      table: {
        id: 'manifest-differences',
        columns: [{ label: 'manifest field' }, ...labels.map((label) => ({ label }))],
        rows: differs.map((key) => ({ marks: ['differs'], cells: [{ text: key, code: true }, ...flat.map((f): Cell => ({ text: f ? f[key] ?? '(not set)' : '(no manifest)', code: true }))] })),
      },
    });
  }
  if (same.length > 0) blocks.push({ kind: 'code', title: `${same.length} fields the same in every run`, text: same.map((key) => `${key} = ${flat.find(Boolean)![key]}`).join('\n') });
  return {
    id: 'differences',
    title: 'What differs',
    intro: `Resolved manifest fields whose values differ between the runs (${labels.join(', ')}), highlighted.`,
    blocks,
  };
}

function curvesSection(runs: readonly RunData[], labels: readonly string[], colors: readonly string[]): Section {
  const charts: Chart[] = [];
  const overlay = (id: string, title: string, key: string, perEpoch: boolean, format?: string, caption?: string) => {
    const rows = runs.flatMap((run, i) => {
      const logged = run.metrics.get(key) ?? [];
      return perEpoch
        ? epochCurve(logged).points.map((p) => ({ series: labels[i], x: p.epoch, step: p.step, value: p.value }))
        : stepCurve(logged).points.map((p) => ({ series: labels[i], ...p }));
    });
    if (rows.length === 0) return;
    const colorsByRun = { domain: labels, range: colors };
    const spec = perEpoch ? curveSpec([], rows, { colors: colorsByRun, title: key.split('/').at(-1)!, format }) : curveSpec(rows, [], { colors: colorsByRun, title: 'loss', smooth: true });
    charts.push({ id, title, caption: caption ?? key, spec, width: 'half' });
  };
  overlay('compare-student-accuracy', 'Student validation accuracy', 'student/val/accuracy', true, '.1%');
  overlay('compare-student-agreement', 'Student agreement with the teacher', 'student/val/agreement', true, '.1%');
  overlay('compare-student-loss', 'Student training loss', 'student/train/loss', false);
  overlay('compare-baseline-accuracy', 'Baseline validation accuracy', 'baseline/val/accuracy', true, '.1%');
  overlay('compare-teacher-accuracy', 'Teacher validation accuracy', 'teacher/val/accuracy', true, '.1%');
  const blocks: Block[] = charts.length > 0 ? [{ kind: 'charts', charts }] : [{ kind: 'note', text: 'None of the runs logged metrics.' }];
  return { id: 'curves', title: 'Learning curves', intro: 'Each run in its colour, on one epoch axis.', blocks };
}

function testSection(runs: readonly RunData[], labels: readonly string[], colors: readonly string[]): Section {
  const rows = runs.flatMap((run, i) => ROLES.flatMap((model) => {
    const value = run.summary?.metrics[`${model}/test/accuracy`];
    return value !== undefined && Number.isFinite(value) ? [{ run: labels[i], model, value }] : [];
  }));
  if (rows.length === 0) return { id: 'test', title: 'Test accuracy', blocks: [{ kind: 'note', text: 'No run has test results yet.' }] };
  const color = { field: 'run', type: 'nominal', title: null, scale: { domain: [...labels], range: [...colors] } };
  const spec = chartSpec({
    data: { values: rows },
    layer: [{
      name: 'bars',
      mark: { type: 'bar', cornerRadiusEnd: 3 },
      encoding: {
        x: { field: 'model', type: 'nominal', sort: [...ROLES], title: null, axis: { labelAngle: 0, labelFontSize: 12 } },
        xOffset: { field: 'run', type: 'nominal', sort: [...labels] },
        y: { field: 'value', type: 'quantitative', title: 'test accuracy', axis: { format: '.0%' } },
        color,
        tooltip: [{ field: 'run' }, { field: 'model' }, { field: 'value', title: 'test accuracy', format: '.2%' }],
      },
    }],
  }, 260);
  return {
    id: 'test',
    title: 'Test accuracy',
    intro: `${count(rows.length)} results: teacher, student and baseline of each run.`,
    blocks: [{ kind: 'charts', charts: [{ id: 'compare-test-accuracy', title: 'Test accuracy by model', caption: 'Grouped by model; one bar per run.', spec, width: 'full' }] }],
  };
}
