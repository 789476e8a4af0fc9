// `distill report`, `distill run --report` and `distill sweep --report` through the real CLI on real runs and a real
// sweep, each report opened in a real headless Chromium: nothing but the file is loaded, nothing is logged to the
// console, and every chart drew one mark per value the run logged — counted from the run's own files.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { chartIds, labelFields, lineVertices, markLabels, renderedCharts, ReportBrowser, screenshot, type OpenedReport } from './support/report-browser.js';
import { mlflowState } from './setup/mlflow-run-fixture.js';

interface Point {
  key: string;
  value: number | string;
  step: number;
  epoch: number;
}

const QUICK = ['--set', 'training.epochs=2', '--set', 'teacher.train.epochs=1'];

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readPoints(runDir: string): Point[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Point);
}

/** The epochs (from 1) at which `key` was logged with a finite value. */
function loggedEpochs(points: readonly Point[], key: string): number[] {
  return [...new Set(points.filter((p) => p.key === key && Number.isFinite(Number(p.value))).map((p) => p.epoch + 1))].sort((a, b) => a - b);
}

function loggedSteps(points: readonly Point[], key: string): number {
  return points.filter((p) => p.key === key).length;
}

function onlyDir(parent: string): string {
  const entries = readdirSync(parent);
  expect(entries).toHaveLength(1);
  return join(parent, entries[0]);
}

/** The epochs of a validation chart's points for one series. */
async function pointEpochs(report: OpenedReport, chart: string, series: string): Promise<number[]> {
  const labels = (await markLabels(report.page, chart, 'epoch-points')).map(labelFields);
  return labels.filter((l) => l.series === series).map((l) => Number(l.epoch)).sort((a, b) => a - b);
}

async function expectCleanPage(report: OpenedReport): Promise<void> {
  expect(report.problems).toEqual([]);
  expect(report.requests).toEqual([report.url]);
  expect(report.state).toBe('ready');
  expect(await renderedCharts(report.page)).toEqual(await chartIds(report.page));
}

let browser: ReportBrowser;
beforeAll(async () => {
  browser = await ReportBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('the report of a real run', () => {
  const uri = inject('mlflowUri');
  let out: string;
  let runDir: string;
  let stdout: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'report-runs-'));
    const result = await runCli(['run', 'experiments/quickstart.json', ...QUICK, '--out', out, '--report', '--tracking-uri', uri], { env: { MLFLOW_EXPERIMENT_NAME: 'distill-reports' } });
    expect(result.code, result.stderr).toBe(0);
    stdout = result.stdout;
    runDir = onlyDir(out);
  });

  it('run --report writes report.html, prints its path, and records it as an artifact that MLflow receives', async () => {
    const file = join(runDir, 'report.html');
    expect(stdout).toContain(`report: ${file}\n`);
    expect(existsSync(file)).toBe(true);
    const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.filter((e) => e.type === 'artifact').map((e) => e.path)).toContain('report.html');
    // It is recorded before the run ends, so the tracker sends it with the rest.
    expect(events.findIndex((e) => e.type === 'artifact' && e.path === 'report.html')).toBeLessThan(events.findIndex((e) => e.type === 'run-ended'));
    const client = new MlflowClient(resolveMlflowConfig({ trackingUri: uri }, { HOME: '/nonexistent-home' }));
    const runId = mlflowState(runDir).runId!;
    const uploaded = await client.downloadArtifact((await client.getRun(runId)).info, 'report.html');
    expect(Buffer.from(uploaded).equals(readFileSync(file))).toBe(true);
    // evaluation.json is a listed artifact of the run too.
    expect(readJson(join(runDir, 'summary.json')).artifacts).toContain('evaluation.json');
  });

  it('opens offline with no console output, and every chart draws a mark per logged value', async () => {
    const report = await browser.open(join(runDir, 'report.html'));
    await expectCleanPage(report);
    const points = readPoints(runDir);
    const summary = readJson(join(runDir, 'summary.json'));

    for (const stage of ['teacher', 'student', 'baseline']) {
      // A point per validated epoch, for accuracy (and agreement, which the teacher has not).
      expect(await pointEpochs(report, `${stage}-validation`, 'accuracy')).toEqual(loggedEpochs(points, `${stage}/val/accuracy`));
      expect(await pointEpochs(report, `${stage}-validation`, 'agreement with teacher')).toEqual(loggedEpochs(points, `${stage}/val/agreement`));
      expect(await pointEpochs(report, `${stage}-loss`, 'validation')).toEqual(loggedEpochs(points, `${stage}/val/loss`));
      // The total loss: a vertex per logged step (these stages have fewer steps than a curve is averaged beyond).
      const lines = await lineVertices(report.page, `${stage}-loss`, 'steps');
      const total = lines.find((l) => labelFields(l.label.replace(/^line mark /, '')).series === 'total');
      expect(total?.vertices, stage).toBe(loggedSteps(points, `${stage}/train/loss`));
    }
    // The student's terms: a line each, a vertex per step.
    const studentLines = await lineVertices(report.page, 'student-loss', 'steps');
    for (const term of ['kl-divergence', 'cross-entropy']) {
      expect(studentLines.find((l) => l.label.includes(`series: ${term}`))?.vertices, term).toBe(loggedSteps(points, `student/train/loss/${term}`));
    }
    // The quickstart's cosine schedule moves the student's learning rate: a chart with a vertex per step.
    const [lr] = await lineVertices(report.page, 'student-lr', 'steps');
    expect(lr.vertices).toBe(loggedSteps(points, 'student/train/lr'));

    // Teacher, student and baseline bars carry summary.json's numbers.
    const bars = (await markLabels(report.page, 'models-accuracy', 'bars')).map(labelFields);
    expect(bars.map((b) => [b.model, b['Test accuracy']])).toEqual(
      ['teacher', 'student', 'baseline'].map((m) => [m, `${(summary.metrics[`${m}/test/accuracy`] * 100).toFixed(2)}%`]),
    );

    // Confusion matrices: a cell per (true, predicted) class pair, and their counts agree with the summary's accuracy.
    const evaluation = readJson(join(runDir, 'evaluation.json'));
    const classes = evaluation.classes.length;
    for (const role of ['student', 'teacher', 'baseline']) {
      const cells = (await markLabels(report.page, `confusion-${role}`, 'cells')).map(labelFields);
      expect(cells).toHaveLength(classes * classes);
      const diagonal = cells.filter((c) => c['true class'] === c[`${role}'s prediction`]).reduce((n, c) => n + Number(c.samples), 0);
      expect(diagonal / evaluation.labelled).toBeCloseTo(summary.metrics[`${role}/test/accuracy`], 10);
    }
    const disagreement = (await markLabels(report.page, 'disagreement', 'cells')).map(labelFields);
    expect(disagreement).toHaveLength(classes * classes);
    const agreeing = disagreement.filter((c) => c["teacher's prediction"] === c["student's prediction"]).reduce((n, c) => n + Number(c.samples), 0);
    expect(agreeing / evaluation.samples).toBeCloseTo(summary.metrics['student/test/agreement'], 10);

    expect(await report.page.textContent('#manifest pre')).toContain('"name": "quickstart"');
    await screenshot(report, 'run');
  });

  describe('compared with a second run', () => {
    let secondDir: string;
    beforeAll(async () => {
      const secondOut = mkdtempSync(join(tmpdir(), 'report-runs-'));
      // Recorded where the first run was, so the two resolved manifests differ only in the temperature.
      const result = await runCli(['run', 'experiments/quickstart.json', ...QUICK, '--set', 'losses.0.params.temperature=8', '--out', secondOut, '--tracking-uri', uri], {
        env: { MLFLOW_EXPERIMENT_NAME: 'distill-reports' },
      });
      expect(result.code, result.stderr).toBe(0);
      secondDir = onlyDir(secondOut);
    });

    it('overlays their curves, puts them side by side, and highlights the manifest fields that differ', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'comparison-')), 'comparison.html');
      const result = await runCli(['report', runDir, secondDir, '--out', file]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`report: ${file}\n`);
      const report = await browser.open(file);
      await expectCleanPage(report);

      expect(await report.page.$$eval('#runs-table tbody tr', (rows) => rows.length)).toBe(2);
      const differing = await report.page.$$eval('#manifest-differences tbody tr.row-differs', (rows) => rows.map((r) => Array.from(r.cells).map((c) => c.textContent)));
      expect(differing).toEqual([['losses.0.params.temperature', '4', '8']]);

      const perRun = [runDir, secondDir].map(readPoints);
      const accuracyPoints = await markLabels(report.page, 'compare-student-accuracy', 'epoch-points');
      expect(accuracyPoints).toHaveLength(perRun.reduce((n, points) => n + loggedEpochs(points, 'student/val/accuracy').length, 0));
      const lossLines = await lineVertices(report.page, 'compare-student-loss', 'steps');
      expect(lossLines.map((l) => l.vertices)).toEqual(perRun.map((points) => loggedSteps(points, 'student/train/loss')));
      expect(await markLabels(report.page, 'compare-test-accuracy', 'bars')).toHaveLength(6);
      await screenshot(report, 'comparison');
    });
  });
});

describe('the report of a real sweep', () => {
  const TEMPERATURE = 'losses.0.params.temperature';
  const WEIGHTS = 'losses.0.weight,losses.1.weight';
  let sweepDir: string;
  let stdout: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'report-sweeps-'));
    const manifest = writeManifest({
      ...smallExperiment({ training: { epochs: 4, batchSize: 32 } }),
      name: 'report-sweep',
      sweep: {
        method: 'grid',
        metric: { name: 'student/val/accuracy', goal: 'maximize' },
        parameters: { [TEMPERATURE]: { values: [1, 4, 16] }, [WEIGHTS]: { values: [[0.5, 0.5], [0.9, 0.1]] } },
        earlyTerminate: { type: 'median', minEpochs: 1, minTrials: 2 },
      },
    });
    const result = await runCli(['sweep', manifest, '--concurrency', '1', '--out', out, '--report', '--quiet'], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cache-')) } });
    expect(result.code, result.stderr).toBe(0);
    stdout = result.stdout;
    sweepDir = onlyDir(out);
  });

  it('has a sortable trial table, parallel coordinates, the metric per parameter, the best so far and early stops marked', async () => {
    const file = join(sweepDir, 'report.html');
    expect(stdout).toContain(`report: ${file}\n`);
    const sweep = readJson(join(sweepDir, 'sweep.json'));
    const trials: { trial: number; status: string; metric?: number | null; history: Record<string, number> }[] = sweep.trials;
    const measured = trials.filter((t) => typeof t.metric === 'number');
    const stopped = trials.filter((t) => t.status === 'stopped').map((t) => t.trial);
    expect(trials).toHaveLength(6);
    expect(stopped.length).toBeGreaterThan(0);

    const report = await browser.open(file);
    await expectCleanPage(report);
    const rows = () => report.page.$$eval('#trials tbody tr', (trs) => trs.map((tr) => ({ trial: Number(tr.cells[0].textContent!.match(/\d+/)![0]), stopped: tr.classList.contains('row-stopped'), badge: tr.cells[1].querySelector('.badge')?.textContent ?? '' })));
    expect((await rows()).map((r) => r.trial)).toEqual(trials.map((t) => t.trial));
    expect((await rows()).filter((r) => r.stopped).map((r) => r.trial)).toEqual(stopped);
    for (const row of (await rows()).filter((r) => r.stopped)) expect(row.badge).toMatch(/^early @\d+$/);

    // Sorting by the metric: ascending on the first click, descending on the second; trials without a metric last.
    const metricHeader = report.page.locator('#trials th', { hasText: 'student/val/accuracy' }).locator('button');
    const byMetric = (direction: 1 | -1) => [...measured].sort((a, b) => direction * (a.metric! - b.metric!) || a.trial - b.trial).map((t) => t.trial);
    const unmeasured = trials.filter((t) => typeof t.metric !== 'number').map((t) => t.trial);
    await metricHeader.click();
    expect((await rows()).map((r) => r.trial)).toEqual([...byMetric(1), ...unmeasured]);
    expect(await report.page.getAttribute('#trials th:has-text("student/val/accuracy")', 'aria-sort')).toBe('ascending');
    await metricHeader.click();
    expect((await rows()).map((r) => r.trial)).toEqual([...byMetric(-1), ...unmeasured]);

    // A line per measured trial through the parallel axes, a point per trial on each parameter's chart and the best-so-far.
    expect(await lineVertices(report.page, 'sweep-parallel', 'trials')).toHaveLength(measured.length);
    for (const line of await lineVertices(report.page, 'sweep-parallel', 'trials')) expect(line.vertices).toBe(3);
    for (const chart of ['sweep-param-1', 'sweep-param-2', 'sweep-best']) expect(await markLabels(report.page, chart, 'trials'), chart).toHaveLength(measured.length);
    const bestPoints = (await markLabels(report.page, 'sweep-best', 'trials')).map(labelFields);
    expect(bestPoints.filter((p) => p.status === 'stopped early').map((p) => Number(p.trial)).sort((a, b) => a - b)).toEqual(stopped);
    // Each trial's metric per epoch: a line per trial, as long as the epochs it ran.
    const histories = await lineVertices(report.page, 'sweep-histories', 'histories');
    expect(histories.map((h) => h.vertices).sort()).toEqual(trials.map((t) => Object.keys(t.history).length).sort());
    expect(await chartIds(report.page)).not.toContain('sweep-pareto');
    await screenshot(report, 'sweep');
  });
});
