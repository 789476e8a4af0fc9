// A sweep's charts: parallel coordinates from every parameter to the metric (a line per trial), the metric against
// each parameter, the best value so far over the trials, each trial's metric per epoch (where early termination shows),
// and, with two or more objectives, the trials on the first two with the Pareto front drawn.
import { chartSpec, MUTED } from './chart-theme.js';
import { metric, param } from './format.js';
import type { Objective } from './objectives.js';
import type { Chart } from './page-model.js';
import type { SweepParameter, TrialData } from './read-sweep.js';

/** Finished and early-stopped trials carry a metric; each keeps its colour on every chart. */
export const STATUS_COLORS: Readonly<Record<string, string>> = { finished: '#0f9488', stopped: '#e2803a' };
const STATUS_LABELS: Readonly<Record<string, string>> = { finished: 'finished', stopped: 'stopped early' };

const statusColor = {
  field: 'outcome',
  type: 'nominal',
  title: null,
  scale: { domain: Object.values(STATUS_LABELS), range: Object.values(STATUS_COLORS) },
};

/** The trials a chart of `objective` can place: those with a finite value of it. */
export function measured(trials: readonly TrialData[], objective: Objective): TrialData[] {
  return trials.filter((t) => Number.isFinite(t.values[objective.name]));
}

function outcome(trial: TrialData): string {
  return trial.status === 'stopped' ? STATUS_LABELS.stopped : STATUS_LABELS.finished;
}

function paramsText(trial: TrialData, parameters: readonly SweepParameter[]): string {
  return parameters.map((p) => `${p.key} = ${param(trial.params[p.key])}`).join('; ');
}

/** Where a parameter's values sit on a 0…1 axis: numbers by value (log when sampled so), anything else by rank. */
export function axisPositions(values: readonly unknown[], log: boolean, label: (value: number) => string = param): { position: (value: unknown) => number; ticks: { position: number; label: string }[] } {
  const numeric = values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0));
  if (numeric) {
    const scale = (v: number) => (log ? Math.log(v) : v);
    const numbers = (values as number[]).map(scale);
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const position = (v: unknown) => (max === min ? 0.5 : (scale(v as number) - min) / (max - min));
    const distinct = [...new Set(values as number[])].sort((a, b) => a - b);
    // Every value when there are few (a grid), else the ends and the middle.
    const middle = log ? Math.exp((min + max) / 2) : (distinct[0] + distinct.at(-1)!) / 2;
    const shown = distinct.length <= 6 ? distinct : [distinct[0], Number(middle.toPrecision(3)), distinct.at(-1)!];
    return { position, ticks: shown.map((v) => ({ position: position(v), label: label(v) })) };
  }
  // Categories (arrays of linked values, strings) in the order they first appear, evenly spaced.
  const categories = [...new Set(values.map((v) => param(v)))];
  const at = (index: number) => (categories.length === 1 ? 0.5 : index / (categories.length - 1));
  return { position: (v) => at(categories.indexOf(param(v))), ticks: categories.map((label, i) => ({ position: at(i), label })) };
}

export function parallelCoordinates(trials: readonly TrialData[], parameters: readonly SweepParameter[], objective: Objective): Chart {
  const placed = measured(trials, objective);
  const axes = [...parameters.map((p) => p.key), objective.name];
  const scales = [
    ...parameters.map((p) => axisPositions(placed.map((t) => t.params[p.key]), p.log)),
    axisPositions(placed.map((t) => t.values[objective.name]), false, metric),
  ];
  const valueOf = (trial: TrialData, i: number) => (i < parameters.length ? trial.params[parameters[i].key] : trial.values[objective.name]);
  const lines = placed.flatMap((trial) =>
    axes.map((axis, i) => ({
      trial: trial.trial,
      axis,
      position: scales[i].position(valueOf(trial, i)),
      metric: trial.values[objective.name],
      outcome: outcome(trial),
      params: paramsText(trial, parameters),
    })),
  );
  const ticks = axes.flatMap((axis, i) => scales[i].ticks.map((t) => ({ axis, position: t.position, label: t.label })));
  const x = { field: 'axis', type: 'nominal', sort: axes, title: null, scale: { paddingOuter: 0.05 }, axis: { orient: 'top', labelAngle: 0, labelLimit: 260, domain: false, ticks: false, labelFontWeight: 600, labelColor: '#374151', labelPadding: 8 } };
  const y = { field: 'position', type: 'quantitative', scale: { domain: [0, 1] }, axis: null };
  const spec = chartSpec(
    {
      layer: [
        { name: 'axes', data: { values: axes.map((axis) => ({ axis })) }, mark: { type: 'rule', color: '#cbd5e1', strokeWidth: 1.5 }, encoding: { x } },
        {
          name: 'trials',
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 2.2, opacity: 0.85, tooltip: true },
          encoding: {
            x,
            y,
            detail: { field: 'trial', type: 'nominal' },
            color: { field: 'metric', type: 'quantitative', title: objective.name, scale: { scheme: 'viridis', reverse: objective.goal === 'minimize' }, legend: { orient: 'right', direction: 'vertical', gradientLength: 140 } },
            strokeDash: { field: 'outcome', type: 'nominal', title: null, scale: { domain: Object.values(STATUS_LABELS), range: [[1, 0], [5, 3]] }, legend: { orient: 'bottom', symbolStrokeColor: MUTED } },
            tooltip: [{ field: 'trial' }, { field: 'metric', title: objective.name, format: '.4~g' }, { field: 'outcome', title: 'status' }, { field: 'params', title: 'parameters' }],
          },
        },
        // Tick labels over a white halo, readable where lines cross them.
        { name: 'tick-halos', data: { values: ticks }, mark: { type: 'text', align: 'left', dx: 5, fontSize: 10.5, stroke: '#ffffff', strokeWidth: 4, strokeJoin: 'round', color: '#ffffff' }, encoding: { x, y, text: { field: 'label' } } },
        { name: 'ticks', data: { values: ticks }, mark: { type: 'text', align: 'left', dx: 5, fontSize: 10.5, color: '#374151' }, encoding: { x, y, text: { field: 'label' } } },
      ],
    },
    280,
  );
  return {
    id: 'sweep-parallel',
    title: 'Parameters → metric',
    caption: `Each line is a trial, from its value of each parameter to its ${objective.name} (colour: the metric${objective.goal === 'maximize' ? ', yellow best' : ', yellow best (lowest)'}; dashed: stopped early).`,
    spec,
    width: 'full',
  };
}

export function metricByParameter(trials: readonly TrialData[], parameter: SweepParameter, index: number, objective: Objective): Chart {
  const placed = measured(trials, objective).filter((t) => t.params[parameter.key] !== undefined);
  const numeric = placed.length > 0 && placed.every((t) => typeof t.params[parameter.key] === 'number');
  const rows = placed.map((t) => ({
    trial: t.trial,
    value: numeric ? t.params[parameter.key] : param(t.params[parameter.key]),
    metric: t.values[objective.name],
    outcome: outcome(t),
  }));
  const categories = numeric ? undefined : [...new Set(rows.map((r) => r.value as string))];
  const x = numeric
    ? { field: 'value', type: 'quantitative', title: parameter.key, scale: parameter.log ? { type: 'log' } : { zero: false, padding: 12 } }
    : { field: 'value', type: 'nominal', title: parameter.key, sort: categories, axis: { labelAngle: 0 } };
  const spec = chartSpec({
    data: { values: rows },
    layer: [{
      name: 'trials',
      mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
      encoding: {
        x,
        ...(numeric ? {} : { xOffset: { field: 'trial', type: 'nominal', legend: null } }),
        y: { field: 'metric', type: 'quantitative', title: objective.name, scale: { zero: false, padding: 8 } },
        color: statusColor,
        shape: { field: 'outcome', type: 'nominal', title: null, scale: { domain: Object.values(STATUS_LABELS), range: ['circle', 'triangle-down'] } },
        tooltip: [{ field: 'trial' }, { field: 'value', title: parameter.key }, { field: 'metric', title: objective.name, format: '.4~g' }, { field: 'outcome', title: 'status' }],
      },
    }],
  });
  return { id: `sweep-param-${index + 1}`, title: parameter.key, caption: `${objective.name} of each trial against ${parameter.key}.`, spec, width: 'half' };
}

export function bestSoFar(trials: readonly TrialData[], objective: Objective): Chart {
  const placed = measured(trials, objective).sort((a, b) => a.trial - b.trial);
  let best: number | undefined;
  const rows = placed.map((t) => {
    const value = t.values[objective.name];
    best = best === undefined || (objective.goal === 'maximize' ? value > best : value < best) ? value : best;
    return { trial: t.trial, metric: value, best, outcome: outcome(t) };
  });
  const x = { field: 'trial', type: 'quantitative', title: 'trial', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false, padding: 10 } };
  const spec = chartSpec({
    data: { values: rows },
    layer: [
      { name: 'best-line', mark: { type: 'line', interpolate: 'step-after', color: '#111827', strokeWidth: 2 }, encoding: { x, y: { field: 'best', type: 'quantitative', title: objective.name, scale: { zero: false, padding: 8 } } } },
      {
        name: 'trials',
        mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
        encoding: { x, y: { field: 'metric', type: 'quantitative' }, color: statusColor, tooltip: [{ field: 'trial' }, { field: 'metric', title: objective.name, format: '.4~g' }, { field: 'best', title: 'best so far', format: '.4~g' }, { field: 'outcome', title: 'status' }] },
      },
    ],
  });
  return { id: 'sweep-best', title: 'Best so far', caption: `Each trial's ${objective.name} in trial order; the line is the best up to that trial (${objective.goal}).`, spec, width: 'half' };
}

export function trialHistories(trials: readonly TrialData[], objective: Objective): Chart | undefined {
  const rows = trials.filter((t) => t.history.some((h) => Number.isFinite(h.value))).flatMap((t) =>
    t.history.filter((h) => Number.isFinite(h.value)).map((h) => ({ trial: t.trial, epoch: h.epoch, value: h.value, outcome: outcome(t) })),
  );
  if (rows.length === 0) return undefined;
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } };
  const y = { field: 'value', type: 'quantitative', title: objective.name, scale: { zero: false } };
  const spec = chartSpec({
    data: { values: rows },
    layer: [
      { name: 'histories', mark: { type: 'line', strokeWidth: 1.6, opacity: 0.8 }, encoding: { x, y, detail: { field: 'trial', type: 'nominal' }, color: statusColor } },
      { name: 'history-points', mark: { type: 'point', filled: true, size: 22 }, encoding: { x, y, color: statusColor, tooltip: [{ field: 'trial' }, { field: 'epoch' }, { field: 'value', title: objective.name, format: '.4~g' }, { field: 'outcome', title: 'status' }] } },
    ],
  });
  return { id: 'sweep-histories', title: 'Trials by epoch', caption: `Each trial's ${objective.name} after every epoch; early-stopped trials end early, in orange.`, spec, width: 'half' };
}

const FRONT = ['on the Pareto front', 'dominated'];

/** The trials on the first two objectives, the Pareto front (over all objectives) marked and joined. */
export function paretoChart(trials: readonly TrialData[], objectives: readonly Objective[], front: ReadonlySet<number>): Chart {
  const [a, b] = objectives;
  const rows = trials
    .filter((t) => Number.isFinite(t.values[a.name]) && Number.isFinite(t.values[b.name]))
    .map((t) => ({ trial: t.trial, a: t.values[a.name], b: t.values[b.name], onFront: front.has(t.trial) ? 'on the Pareto front' : 'dominated', outcome: outcome(t) }));
  const frontRows = rows.filter((r) => r.onFront !== 'dominated').sort((p, q) => p.a - q.a);
  const x = { field: 'a', type: 'quantitative', title: `${a.name} (${a.goal})`, scale: { zero: false, padding: 12 }, axis: { tickCount: 6 } };
  const y = { field: 'b', type: 'quantitative', title: `${b.name} (${b.goal})`, scale: { zero: false, padding: 12 }, axis: { tickCount: 6 } };
  const spec = chartSpec(
    {
      layer: [
        { name: 'front-line', data: { values: frontRows }, mark: { type: 'line', color: '#0f9488', strokeWidth: 2, strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'a' } } },
        {
          name: 'trials',
          data: { values: rows },
          mark: { type: 'point', filled: true, opacity: 0.9 },
          encoding: {
            x,
            y,
            size: { field: 'onFront', type: 'ordinal', sort: FRONT, title: null, scale: { domain: FRONT, range: [130, 45] } },
            color: { field: 'onFront', type: 'ordinal', sort: FRONT, title: null, scale: { domain: FRONT, range: ['#0f9488', '#9ca3af'] } },
            tooltip: [{ field: 'trial' }, { field: 'a', title: a.name, format: '.4~g' }, { field: 'b', title: b.name, format: '.4~g' }, { field: 'onFront', title: 'front' }, { field: 'outcome', title: 'status' }],
          },
        },
        { name: 'front-labels', data: { values: frontRows }, mark: { type: 'text', dy: -11, fontSize: 10.5, color: '#0f766e' }, encoding: { x, y, text: { field: 'trial', type: 'nominal' } } },
      ],
    },
    300,
  );
  return {
    id: 'sweep-pareto',
    title: 'Pareto front',
    caption: `Trials on ${a.name} and ${b.name}; the front (labelled with trial numbers) holds the trials no other trial beats on every objective${objectives.length > 2 ? ` (all ${objectives.length} of them)` : ''}.`,
    spec,
    width: 'full',
  };
}
