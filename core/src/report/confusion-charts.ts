// Where the models go wrong and where the student parts from the teacher: a confusion-matrix heatmap per model (rows:
// true class, columns: predicted; colour: share of the row, so each class reads as a recall), the disagreement matrix
// (rows: teacher's prediction, columns: student's; the diagonal is agreement and stays grey), and the most frequent
// disagreements as a list.
import type { TestEvaluation } from '../evaluation/evaluation-file.js';
import { fixedChartSpec } from './chart-theme.js';
import type { Chart } from './page-model.js';

const CELL = 32;

export function confusionChart(role: string, evaluation: TestEvaluation): Chart | undefined {
  const matrix = evaluation.confusion[role as keyof TestEvaluation['confusion']];
  if (!matrix) return undefined;
  const correct = matrix.reduce((n, row, i) => n + row[i], 0);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  return {
    id: `confusion-${role}`,
    title: `${role[0].toUpperCase()}${role.slice(1)}`,
    caption: `${correct.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} labelled test samples on the diagonal. Rows: true class; columns: predicted class; colour: share of the row.`,
    spec: heatmap(matrix, evaluation.classes, { rowTitle: 'true class', columnTitle: `${role}'s prediction`, scheme: 'blues', diagonalGrey: false }),
    width: 'half',
  };
}

export function disagreementChart(evaluation: TestEvaluation): Chart {
  const matrix = evaluation.disagreement.matrix;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const differ = total - matrix.reduce((n, row, i) => n + row[i], 0);
  return {
    id: 'disagreement',
    title: 'Student versus teacher',
    caption: `The student predicts another class than the teacher on ${differ.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} test samples (off the diagonal). Rows: the teacher's prediction; columns: the student's.`,
    spec: heatmap(matrix, evaluation.classes, { rowTitle: "teacher's prediction", columnTitle: "student's prediction", scheme: 'oranges', diagonalGrey: true }),
    width: 'half',
  };
}

/** The largest off-diagonal cells of the disagreement matrix: `[teacher class, student class, count, share of the teacher's class]`. */
export function topDisagreements(evaluation: TestEvaluation, limit = 8): { teacher: string; student: string; count: number; share: number }[] {
  const matrix = evaluation.disagreement.matrix;
  const cells = matrix.flatMap((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.flatMap((count, j) => (i !== j && count > 0 ? [{ teacher: evaluation.classes[i], student: evaluation.classes[j], count, share: count / rowTotal }] : []));
  });
  return cells.sort((a, b) => b.count - a.count).slice(0, limit);
}

interface HeatmapOptions {
  readonly rowTitle: string;
  readonly columnTitle: string;
  readonly scheme: string;
  /** Grey diagonal cells, coloured off-diagonal ones by count (a disagreement matrix). */
  readonly diagonalGrey: boolean;
}

function heatmap(matrix: readonly (readonly number[])[], classes: readonly string[], options: HeatmapOptions) {
  const values = matrix.flatMap((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ row: classes[i], column: classes[j], count, share: rowTotal ? count / rowTotal : 0, diagonal: i === j }));
  });
  const offDiagonalMax = Math.max(1, ...values.filter((v) => !v.diagonal).map((v) => v.count));
  const size = Math.min(420, CELL * classes.length);
  const order = [...classes];
  const fill = options.diagonalGrey
    ? { condition: [{ test: 'datum.diagonal', value: '#e5e7eb' }, { test: 'datum.count === 0', value: '#ffffff' }], field: 'count', type: 'quantitative', scale: { scheme: options.scheme, domain: [0, offDiagonalMax] }, title: 'samples' }
    : { condition: { test: 'datum.count === 0', value: '#ffffff' }, field: 'share', type: 'quantitative', scale: { type: 'sqrt', scheme: options.scheme, domain: [0, 1] }, title: 'share of row', legend: { format: '.0%' } };
  // Dark cells get white numbers.
  const dark = options.diagonalGrey ? `!datum.diagonal && datum.count > ${offDiagonalMax * 0.55}` : 'datum.share > 0.55';
  return fixedChartSpec({
    width: size,
    height: size,
    data: { values },
    encoding: {
      x: { field: 'column', type: 'ordinal', sort: order, title: options.columnTitle, axis: { labelAngle: 0, orient: 'top', domain: false, ticks: false } },
      y: { field: 'row', type: 'ordinal', sort: order, title: options.rowTitle, axis: { domain: false, ticks: false } },
    },
    layer: [
      {
        name: 'cells',
        mark: { type: 'rect', stroke: '#e5e7eb', strokeWidth: 0.5 },
        encoding: {
          color: { ...fill, legend: { ...(fill as { legend?: object }).legend, orient: 'right', direction: 'vertical', gradientLength: size * 0.6 } },
          tooltip: [
            { field: 'row', title: options.rowTitle },
            { field: 'column', title: options.columnTitle },
            { field: 'count', title: 'samples' },
            { field: 'share', title: 'share of row', format: '.1%' },
          ],
        },
      },
      {
        name: 'counts',
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: classes.length > 12 ? 8 : 10 },
        encoding: { text: { field: 'count' }, color: { condition: { test: dark, value: '#ffffff' }, value: '#1f2937' } },
      },
    ],
  });
}
