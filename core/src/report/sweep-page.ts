// The report of a sweep: how far it got and its best trial (with the command that reproduces it), every trial in a
// sortable table, which parameters mattered (parallel coordinates and the metric against each parameter), how the
// search progressed (best so far, each trial per epoch, early stops), and the Pareto front when it has several
// objectives. A sweep with no finished trial yet gets the table and a note where the charts would be.
import { displayPath } from '../display-path.js';
import { setFlags } from '../sweep/sweep-ranking.js';
import { count, duration, metric, param, when } from './format.js';
import { better, paretoFront, type Objective } from './objectives.js';
import type { Block, Cell, Chart, Notice, ReportPage, Row, Section, Stat, Tone } from './page-model.js';
import { prettyJson } from './pretty-json.js';
import type { SweepData, TrialData } from './read-sweep.js';
import { bestSoFar, measured, metricByParameter, parallelCoordinates, paretoChart, trialHistories } from './sweep-charts.js';

const ENDED = ['finished', 'stopped'];

export function sweepPage(sweep: SweepData): ReportPage {
  const primary = sweep.objectives[0];
  const ranked = primary ? measured(sweep.trials.filter((t) => ENDED.includes(t.status)), primary) : [];
  const best = primary ? ranked.reduce<TrialData | undefined>((b, t) => (!b || better(primary, t.values[primary.name], b.values[primary.name]) ? t : b), undefined) : undefined;
  const front = new Set(sweep.objectives.length > 1 ? paretoFront(ranked.map((t) => sweep.objectives.map((o) => t.values[o.name] ?? NaN)), sweep.objectives).map((i) => ranked[i].trial) : []);
  const notices: Notice[] = [];
  if (ranked.length === 0) {
    notices.push({ tone: 'warn', title: 'No trial has finished yet', lines: [`${statusCounts(sweep)}. The charts of the metric appear once a trial finishes; the table shows every trial so far.`] });
  }
  if (sweep.problems.length > 0) notices.push({ tone: 'info', title: 'Missing or unreadable', lines: sweep.problems });
  return {
    kind: 'sweep',
    title: sweep.name,
    status: { text: sweep.status, tone: sweep.status === 'finished' ? 'good' : sweep.status === 'running' ? 'warn' : 'bad' },
    facts: [
      { label: 'sweep', value: sweep.sweepId },
      { label: 'method', value: sweep.method },
      { label: sweep.objectives.length > 1 ? 'objectives' : 'metric', value: sweep.objectives.map((o) => `${o.name} (${o.goal})`).join(', ') || '–' },
      { label: 'trials', value: statusCounts(sweep) },
      { label: 'started', value: when(sweep.createdAt) },
    ],
    notices,
    sections: [
      summarySection(sweep, best),
      trialsSection(sweep, best, front),
      parametersSection(sweep, ranked),
      progressSection(sweep, ranked),
      ...(sweep.objectives.length > 1 ? [paretoSection(sweep, ranked, front)] : []),
      { id: 'spec', title: 'Sweep spec', blocks: [{ kind: 'code', title: 'spec (sweep.json)', text: prettyJson(sweep.spec) }] },
    ],
    sources: [sweep.dir],
  };
}

function statusCounts(sweep: SweepData): string {
  const counts = new Map<string, number>();
  for (const t of sweep.trials) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  if (counts.size === 0) return 'no trials yet';
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function summarySection(sweep: SweepData, best: TrialData | undefined): Section {
  const primary = sweep.objectives[0];
  const stats: Stat[] = [
    { label: 'Trials', value: count(sweep.trials.length), detail: statusCounts(sweep) },
    ...(primary && best ? [{ label: `Best ${primary.name}`, value: metric(best.values[primary.name]), detail: `trial ${best.trial} (${primary.goal})`, tone: 'good' as Tone }] : []),
    ...(primary && best ? [{ label: 'Best parameters', value: `trial ${best.trial}`, detail: sweep.parameters.map((p) => `${p.key} = ${param(best.params[p.key])}`).join('; ') }] : []),
  ];
  const blocks: Block[] = [{ kind: 'stats', stats }];
  if (best) {
    const base = sweep.baseFile ? displayPath(sweep.baseFile) : '<manifest>';
    blocks.push({ kind: 'command', caption: 'Run the best trial again:', text: `distill run ${base} ${setFlags({ spec: { parameters: sweep.parameters } }, best.params).join(' ')}` });
  }
  return { id: 'summary', title: 'Summary', blocks };
}

function trialsSection(sweep: SweepData, best: TrialData | undefined, front: ReadonlySet<number>): Section {
  const columns = [
    { label: 'trial', numeric: true },
    { label: 'status' },
    ...sweep.parameters.map((p) => ({ label: p.key, numeric: true })),
    ...sweep.objectives.map((o) => ({ label: o.name, numeric: true, title: o.goal })),
    { label: 'epochs', numeric: true },
    { label: 'duration', numeric: true },
    { label: 'run' },
  ];
  const rows: Row[] = [...sweep.trials].sort((a, b) => a.trial - b.trial).map((t) => {
    const marks = [t === best ? 'best' : '', front.has(t.trial) ? 'front' : '', t.status === 'stopped' ? 'stopped' : '', ['failed', 'killed'].includes(t.status) ? 'failed' : ''].filter(Boolean);
    const cells: Cell[] = [
      { text: String(t.trial), sort: t.trial, ...(t === best ? { badge: { text: 'best', tone: 'good' as Tone } } : front.has(t.trial) ? { badge: { text: 'front', tone: 'good' as Tone } } : {}) },
      statusCell(t),
      ...sweep.parameters.map((p): Cell => {
        const value = t.params[p.key];
        return { text: param(value), sort: typeof value === 'number' ? value : param(value), code: typeof value !== 'number' };
      }),
      ...sweep.objectives.map((o): Cell => ({ text: metric(t.values[o.name]), sort: t.values[o.name] ?? NaN })),
      { text: t.epochs === undefined ? '–' : String(t.epochs), sort: t.epochs ?? NaN },
      { text: duration(t.durationMs), sort: t.durationMs ?? NaN },
      { text: t.runDir ? t.runDir.split(/[\\/]/).at(-1)! : '–', code: t.runDir !== undefined, title: t.runDir },
    ];
    return { cells, marks };
  });
  const block: Block = sweep.trials.length > 0
    ? { kind: 'table', table: { id: 'trials', sortable: true, columns, rows } }
    : { kind: 'note', text: 'The sweep has not started a trial.' };
  return { id: 'trials', title: 'Trials', intro: 'Click a column header to sort by it (again to reverse). Early-stopped trials are marked; failed trials keep their error in the status.', blocks: [block] };
}

function statusCell(t: TrialData): Cell {
  if (t.status === 'stopped') return { text: 'stopped', sort: 'stopped', badge: { text: `early @${t.stoppedEarly?.epoch ?? t.epochs ?? '?'}`, tone: 'warn' }, title: t.stoppedEarly?.reason };
  const tone: Tone | undefined = t.status === 'finished' ? undefined : ['failed', 'killed'].includes(t.status) ? 'bad' : 'muted';
  return { text: t.status, sort: t.status, tone, title: t.error };
}

function notYet(sweep: SweepData): Block {
  return { kind: 'note', text: sweep.objectives.length === 0 ? 'The sweep names no metric.' : `No trial has a ${sweep.objectives[0].name} yet: ${statusCounts(sweep)}.` };
}

function parametersSection(sweep: SweepData, ranked: readonly TrialData[]): Section {
  const primary = sweep.objectives[0];
  const title = 'Which parameters mattered';
  if (!primary || ranked.length === 0) return { id: 'parameters', title, blocks: [notYet(sweep)] };
  const charts: Chart[] = [parallelCoordinates(ranked, sweep.parameters, primary), ...sweep.parameters.map((p, i) => metricByParameter(ranked, p, i, primary))];
  return { id: 'parameters', title, intro: `${count(ranked.length)} trials with a ${primary.name}: finished, and stopped early (their metric when they stopped).`, blocks: [{ kind: 'charts', charts }] };
}

function progressSection(sweep: SweepData, ranked: readonly TrialData[]): Section {
  const primary = sweep.objectives[0];
  const title = 'Progress';
  if (!primary || ranked.length === 0) return { id: 'progress', title, blocks: [notYet(sweep)] };
  const charts = [bestSoFar(ranked, primary), trialHistories(sweep.trials, primary)].filter((c): c is Chart => c !== undefined);
  return { id: 'progress', title, blocks: [{ kind: 'charts', charts }] };
}

function paretoSection(sweep: SweepData, ranked: readonly TrialData[], front: ReadonlySet<number>): Section {
  const [a, b] = sweep.objectives as [Objective, Objective];
  const both = ranked.filter((t) => Number.isFinite(t.values[a.name]) && Number.isFinite(t.values[b.name]));
  const title = 'Trade-offs';
  if (both.length === 0) return { id: 'pareto', title, blocks: [{ kind: 'note', text: `No trial has both ${a.name} and ${b.name} yet.` }] };
  const members = [...front].sort((x, y) => x - y);
  return {
    id: 'pareto',
    title,
    intro: `${count(members.length)} of ${count(both.length)} trials are on the Pareto front: trials ${members.join(', ')}.`,
    blocks: [{ kind: 'charts', charts: [paretoChart(both, sweep.objectives, front)] }],
  };
}
