// The report of one run: did distillation help (the headline), how each model did (bars), how training went (learning
// curves per stage), where the student differs from the teacher (confusion and disagreement matrices), and what ran
// (the resolved manifest). A run that has not ended, failed, or logged NaN gets the same page with what it has and a
// notice of what is missing.
import { confusionChart, disagreementChart, topDisagreements } from './confusion-charts.js';
import { count, duration, percent, points, times, when } from './format.js';
import { stageCurves } from './learning-curve-charts.js';
import { modelCharts, ROLES } from './model-charts.js';
import type { Block, Notice, ReportPage, Section, Stat } from './page-model.js';
import type { RunData } from './read-run.js';
import { prettyJson } from './pretty-json.js';
import { setupText, statusTone } from './run-facts.js';

export function runPage(run: RunData): ReportPage {
  const notices = runNotices(run);
  const sections: Section[] = [summarySection(run), modelsSection(run), curvesSection(run, notices), confusionSection(run), manifestSection(run)];
  return {
    kind: 'run',
    title: run.name,
    status: { text: run.partial ? `${run.status} · partial` : run.status, tone: statusTone(run.status) },
    description: run.description || undefined,
    facts: [
      { label: 'run', value: run.runId },
      { label: 'started', value: when(run.startTime) },
      { label: 'duration', value: duration(run.summary?.durationMs) },
      ...(run.summary?.backend ? [{ label: 'backend', value: `${run.summary.backend.name}${run.summary.backend.version ? ` ${run.summary.backend.version}` : ''}` }] : []),
      ...(setupText(run.manifest) ? [{ label: 'setup', value: setupText(run.manifest)! }] : []),
    ],
    notices,
    sections,
    sources: [run.dir],
  };
}

function runNotices(run: RunData): Notice[] {
  const notices: Notice[] = [];
  if (run.partial) {
    const logged = [...run.metrics.values()].reduce((n, points) => n + points.length, 0);
    const lastStep = Math.max(-1, ...[...run.metrics.values()].flatMap((points) => points.map((p) => p.step)));
    notices.push({
      tone: 'warn',
      title: `Partial report: the run has not ended (${run.status})`,
      lines: [
        'There is no summary.json yet: the run is still going, or its process stopped before it could write one.',
        logged > 0 ? `This report shows the ${count(logged)} metric points logged so far (up to step ${lastStep}); the final evaluation, the model comparison and the confusion matrices appear once the run ends.` : 'It has logged no metrics yet.',
      ],
    });
  }
  if (run.summary?.error) {
    notices.push({ tone: 'warn', title: run.status === 'KILLED' ? 'The run was interrupted' : 'The run failed', lines: [run.summary.error, 'The report shows what was measured before it stopped.'] });
  }
  const nan = Object.entries(run.summary?.metrics ?? {}).filter(([, value]) => Number.isNaN(value)).map(([key]) => key);
  if (nan.length > 0) notices.push({ tone: 'warn', title: 'Some final metrics are NaN', lines: [`${nan.join(', ')}: not measurable (NaN), so not drawn.`] });
  if (run.problems.length > 0) notices.push({ tone: 'info', title: 'Missing or unreadable files', lines: run.problems });
  return notices;
}

function summarySection(run: RunData): Section {
  const m = run.summary?.metrics;
  if (!m) return { id: 'summary', title: 'Summary', blocks: [{ kind: 'note', text: 'No final evaluation yet: the headline numbers appear when the run ends.' }] };
  const stats: Stat[] = [];
  const gain = m['distillation/gain'];
  if (gain !== undefined) {
    stats.push({
      label: 'Distillation gain',
      value: points(gain).replace(' points', ''),
      unit: Number.isFinite(gain) ? 'points' : undefined,
      detail: `student ${percent(m['student/test/accuracy'])} vs baseline ${percent(m['baseline/test/accuracy'])} test accuracy`,
      tone: Number.isFinite(gain) ? (gain > 0 ? 'good' : 'bad') : 'muted',
    });
  }
  if (m['student/test/accuracy'] !== undefined) {
    const retained = m['student/test/accuracy'] / m['teacher/test/accuracy'];
    stats.push({ label: 'Student accuracy', value: percent(m['student/test/accuracy']), detail: `teacher ${percent(m['teacher/test/accuracy'])}; ${percent(retained, 1)} of it kept` });
  }
  if (m['student/test/agreement'] !== undefined) stats.push({ label: 'Agreement with teacher', value: percent(m['student/test/agreement']), detail: 'same top-1 class on the test split' });
  if (m['compression/ratio'] !== undefined) {
    stats.push({ label: 'Compression', value: times(m['compression/ratio']), unit: 'smaller', detail: `${count(m['student/parameters'])} vs ${count(m['teacher/parameters'])} parameters` });
  }
  if (m['speedup/batch1'] !== undefined) stats.push({ label: 'Speedup', value: times(m['speedup/batch1']), unit: 'faster', detail: `at batch 1; ${times(m['speedup/batch128'])} at batch 128` });
  const blocks: Block[] = stats.length > 0 ? [{ kind: 'stats', stats }] : [{ kind: 'note', text: 'The run ended before its final evaluation: no test metrics.' }];
  return { id: 'summary', title: 'Summary', blocks };
}

function modelsSection(run: RunData): Section {
  const intro = 'Teacher, distilled student and the baseline (the same student trained on hard labels alone) on the test split.';
  if (!run.summary) return { id: 'models', title: 'Teacher, student and baseline', intro, blocks: [{ kind: 'note', text: 'Appears when the run ends.' }] };
  const { charts, missing } = modelCharts(run.summary.metrics);
  const blocks: Block[] = charts.length > 0 ? [{ kind: 'charts', charts }] : [{ kind: 'note', text: 'The run recorded no test metrics.' }];
  if (missing.length > 0) blocks.push({ kind: 'note', text: `Not drawn: ${missing.join('; ')}.` });
  return { id: 'models', title: 'Teacher, student and baseline', intro, blocks };
}

function curvesSection(run: RunData, notices: Notice[]): Section {
  const blocks: Block[] = [];
  const nonFinite: string[] = [];
  const stages = [...ROLES, ...new Set([...run.metrics.keys()].map((key) => key.split('/')[0]).filter((s) => !(ROLES as readonly string[]).includes(s)))];
  for (const stage of stages) {
    const curves = stageCurves(run.metrics, stage);
    nonFinite.push(...curves.nonFinite);
    if (curves.charts.length === 0) continue;
    const summary = run.summary?.stages[stage];
    const detail = summary ? `${count(summary.epochs)} epochs, ${count(summary.steps)} steps${summary.stoppedEarly ? ', stopped early' : ''}` : run.partial ? 'so far' : undefined;
    blocks.push({ kind: 'heading', text: `${stage[0].toUpperCase()}${stage.slice(1)} stage`, detail });
    blocks.push({ kind: 'charts', charts: curves.charts });
    if (curves.constants.length > 0) blocks.push({ kind: 'note', text: `Constant through the stage: ${curves.constants.join(' · ')}.` });
  }
  if (nonFinite.length > 0) notices.push({ tone: 'warn', title: 'Some logged values are NaN or infinite', lines: [`Left out of the curves: ${nonFinite.join('; ')} values.`] });
  if (blocks.length === 0) blocks.push({ kind: 'note', text: 'No metrics were logged.' });
  return { id: 'curves', title: 'Learning curves', intro: 'Per-step training values and per-epoch validation on one epoch axis; hover a line or a point for its values.', blocks };
}

function confusionSection(run: RunData): Section {
  const title = 'Where the models err and disagree';
  const evaluation = run.evaluation;
  if (!evaluation) {
    const why = run.partial ? 'Appears when the run ends.' : 'This run has no evaluation.json (see the notice above).';
    return { id: 'confusion', title, blocks: [{ kind: 'note', text: why }] };
  }
  const charts = [...(['student', 'teacher'] as const).map((role) => confusionChart(role, evaluation)), disagreementChart(evaluation), confusionChart('baseline', evaluation)].filter((c) => c !== undefined);
  const top = topDisagreements(evaluation);
  const blocks: Block[] = [{ kind: 'charts', charts }];
  if (top.length > 0) {
    blocks.push({
      kind: 'table',
      table: {
        id: 'top-disagreements',
        compact: true,
        caption: "The student's most frequent departures from the teacher",
        columns: [{ label: 'teacher predicts' }, { label: 'student predicts' }, { label: 'samples', numeric: true }, { label: "share of the teacher's class", numeric: true }],
        rows: top.map((d) => ({ cells: [{ text: d.teacher }, { text: d.student }, { text: count(d.count) }, { text: percent(d.share, 1) }] })),
      },
    });
  }
  const intro = `On the ${count(evaluation.samples)} test samples (${count(evaluation.labelled)} labelled).`;
  return { id: 'confusion', title, intro, blocks };
}

function manifestSection(run: RunData): Section {
  if (!run.manifest) return { id: 'manifest', title: 'Manifest', blocks: [{ kind: 'note', text: 'manifest.resolved.json is missing.' }] };
  return { id: 'manifest', title: 'Manifest', intro: 'The manifest as it ran, every default filled in (manifest.resolved.json).', blocks: [{ kind: 'code', title: 'manifest.resolved.json', text: prettyJson(run.manifest), open: true }] };
}
