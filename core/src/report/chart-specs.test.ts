// Every chart a report can hold compiles with Vega-Lite without a warning or an error (a warning in the browser's
// console is a defect of the report): pages built from small hand-made runs and sweeps, each spec compiled in Node.
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import type { TestEvaluation } from '../evaluation/evaluation-file.js';
import type { LoggedPoint } from './metric-journal.js';
import type { Chart, ReportPage } from './page-model.js';
import type { RunData } from './read-run.js';
import type { SweepData, TrialData } from './read-sweep.js';
import { runPage } from './run-page.js';
import { comparisonPage } from './comparison-page.js';
import { sweepPage } from './sweep-page.js';

function series(count: number, value: (i: number) => number, perEpoch = 4): LoggedPoint[] {
  return Array.from({ length: count }, (_, i) => ({ step: i, epoch: Math.floor(i / perEpoch), value: value(i) }));
}

function run(id: string, temperature: number): RunData {
  const metrics = new Map<string, LoggedPoint[]>();
  for (const stage of ['teacher', 'student', 'baseline']) {
    metrics.set(`${stage}/train/loss`, series(12, (i) => 2 / (i + 1)));
    metrics.set(`${stage}/train/lr`, series(12, (i) => 0.01 * (1 - i / 24)));
    metrics.set(`${stage}/val/accuracy`, series(3, (i) => 0.5 + i / 10, 1).map((p) => ({ ...p, step: (p.epoch + 1) * 4 })));
    metrics.set(`${stage}/val/loss`, series(3, (i) => 1 - i / 10, 1));
  }
  metrics.set('student/train/loss/kl-divergence', series(12, (i) => 1 / (i + 1)));
  metrics.set('student/train/loss/cross-entropy', series(12, (i) => (i % 3 === 0 ? 0 : 1 / (i + 1))));
  metrics.set('student/train/temperature/kl-divergence', series(12, (i) => 8 - i / 2));
  metrics.set('student/val/agreement', series(3, (i) => 0.7 + i / 10, 1));
  const evaluation: TestEvaluation = {
    version: 1,
    split: 'test',
    classes: ['cat', 'dog', 'bird'],
    samples: 30,
    labelled: 30,
    confusion: { teacher: [[9, 1, 0], [0, 10, 0], [1, 0, 9]], student: [[8, 2, 0], [1, 9, 0], [1, 1, 8]], baseline: [[5, 5, 0], [2, 8, 0], [3, 3, 4]] },
    disagreement: { rows: 'teacher', columns: 'student', matrix: [[8, 1, 1], [1, 10, 0], [0, 0, 9]] },
  };
  return {
    dir: `/runs/${id}`,
    runId: id,
    name: 'unit',
    status: 'FINISHED',
    partial: false,
    summary: {
      metrics: {
        'teacher/test/accuracy': 0.93, 'student/test/accuracy': 0.83, 'baseline/test/accuracy': 0.57, 'student/test/agreement': 0.9, 'baseline/test/agreement': 0.6,
        'teacher/test/loss': 0.2, 'student/test/loss': 0.5, 'baseline/test/loss': NaN, 'distillation/gain': 0.26, 'teacher/parameters': 1000, 'student/parameters': 100,
        'teacher/latency/batch1Ms': 0.1, 'student/latency/batch1Ms': 0.02, 'compression/ratio': 10, 'speedup/batch1': 5,
      },
      stages: { teacher: { steps: 12, epochs: 3, stoppedEarly: false } },
    },
    manifest: { name: 'unit', losses: [{ type: 'kl-divergence', params: { temperature } }] },
    metrics,
    evaluation,
    problems: [],
  };
}

function trial(n: number, status: string, values: Record<string, number>, params: Record<string, unknown>): TrialData {
  return { trial: n, status, params, values, history: [{ epoch: 1, value: 0.5 }, { epoch: 2, value: values.acc ?? 0.5 }], epochs: 2, ...(status === 'stopped' ? { stoppedEarly: { epoch: 1, reason: 'median' } } : {}) };
}

const sweep: SweepData = {
  dir: '/sweeps/s',
  sweepId: 's',
  name: 'unit-sweep',
  status: 'finished',
  method: 'random',
  objectives: [{ name: 'acc', goal: 'maximize' }, { name: 'latency', goal: 'minimize' }],
  spec: {},
  parameters: [
    { key: 'lr', paths: [['optimizer', 'params', 'learningRate']], log: true },
    { key: 'w0,w1', paths: [['losses', '0', 'weight'], ['losses', '1', 'weight']], log: false },
  ],
  trials: [
    trial(1, 'finished', { acc: 0.8, latency: 2 }, { lr: 0.001, 'w0,w1': [0.5, 0.5] }),
    trial(2, 'stopped', { acc: 0.6, latency: 1 }, { lr: 0.01, 'w0,w1': [0.9, 0.1] }),
    trial(3, 'finished', { acc: 0.9, latency: 3 }, { lr: 0.1, 'w0,w1': [0.5, 0.5] }),
    trial(4, 'failed', {}, { lr: 0.05, 'w0,w1': [0.9, 0.1] }),
  ],
  problems: [],
};

function charts(page: ReportPage): Chart[] {
  return page.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'charts' ? b.charts : [])));
}

function compileMessages(chart: Chart): string[] {
  const messages: string[] = [];
  const record = (level: string) => (...args: unknown[]) => messages.push(`${chart.id}: ${level}: ${args.join(' ')}`);
  const logger = { level: () => logger, error: record('error'), warn: record('warn'), info: () => logger, debug: () => logger } as never;
  compile(chart.spec as never, { logger });
  return messages;
}

describe('report charts', () => {
  const pages = { run: runPage(run('r1', 4)), comparison: comparisonPage([run('r1', 4), run('r2', 8)]), sweep: sweepPage(sweep) };

  for (const [kind, page] of Object.entries(pages)) {
    it(`every chart of the ${kind} report compiles with Vega-Lite without warnings`, () => {
      const all = charts(page);
      expect(all.length).toBeGreaterThan(3);
      expect(all.flatMap(compileMessages)).toEqual([]);
    });
  }

  it('gives every chart of a page its own id', () => {
    for (const page of Object.values(pages)) {
      const ids = charts(page).map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('has the charts each kind of report promises', () => {
    expect(charts(pages.run).map((c) => c.id)).toEqual([
      'models-accuracy', 'models-agreement', 'models-loss', 'models-parameters', 'models-latency1',
      'teacher-loss', 'teacher-validation', 'teacher-lr', 'student-loss', 'student-validation', 'student-lr', 'student-schedule',
      'baseline-loss', 'baseline-validation', 'baseline-lr',
      'confusion-student', 'confusion-teacher', 'disagreement', 'confusion-baseline',
    ]);
    expect(charts(pages.sweep).map((c) => c.id)).toEqual(['sweep-parallel', 'sweep-param-1', 'sweep-param-2', 'sweep-best', 'sweep-histories', 'sweep-pareto']);
    expect(charts(pages.comparison).map((c) => c.id)).toEqual([
      'compare-student-accuracy', 'compare-student-agreement', 'compare-student-loss', 'compare-baseline-accuracy', 'compare-teacher-accuracy', 'compare-test-accuracy',
    ]);
  });
});
