// The look every chart shares — system fonts only (nothing to fetch), quiet axes and grid, one colour per model
// role and a palette for series — and `chartSpec`, which wraps a Vega-Lite spec with it.
import type { ChartSpec } from './page-model.js';

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif';

/** Teacher, student and baseline keep their colours on every chart of a report. */
export const ROLE_COLORS: Readonly<Record<string, string>> = { teacher: '#6d5bd0', student: '#0f9488', baseline: '#e2803a' };

/** Series colours (Tableau 10, reordered so the first few are distinct from the role colours' hues). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

export const MUTED = '#6b7280';
export const GRID = '#eceff3';

const CONFIG = {
  font: FONT,
  background: null,
  view: { stroke: null },
  padding: { top: 6, right: 10, bottom: 6, left: 6 },
  axis: {
    labelColor: MUTED,
    titleColor: '#374151',
    titleFontWeight: 500,
    labelFontSize: 11,
    titleFontSize: 11,
    gridColor: GRID,
    domainColor: '#cbd5e1',
    tickColor: '#cbd5e1',
    labelFlush: true,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, labelColor: '#374151', titleColor: '#374151', orient: 'bottom', direction: 'horizontal', symbolSize: 90, symbolOpacity: 1, labelLimit: 260 },
  line: { strokeWidth: 1.6 },
  point: { size: 28, filled: true },
  text: { font: FONT, fontSize: 11 },
  header: { labelFont: FONT, titleFont: FONT },
};

/** A chart that fills its card's width. */
export function chartSpec(spec: Readonly<Record<string, unknown>>, height = 220): ChartSpec {
  return { width: 'container', height, autosize: { type: 'fit-x', contains: 'padding' }, config: CONFIG, ...spec };
}

/** A chart of its own size (a heatmap that must stay square). */
export function fixedChartSpec(spec: Readonly<Record<string, unknown>>): ChartSpec {
  return { autosize: { type: 'pad' }, config: CONFIG, ...spec };
}

/** A colour scale that gives each name its colour: the role colour for teacher, student and baseline, else the palette. */
export function colorScale(names: readonly string[]): { domain: string[]; range: string[] } {
  let next = 0;
  return { domain: [...names], range: names.map((name) => ROLE_COLORS[name] ?? PALETTE[next++ % PALETTE.length]) };
}
