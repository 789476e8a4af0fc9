// `distill report` on what is not a finished run or sweep: a directory that is neither (exit 2, a clear message), a
// run still running, a run with NaN metrics, a run that failed, a sweep with no finished trial, and a sweep with two
// objectives and a trial whose run directory points outside the sweep. Each report that is written opens in Chromium
// with no console errors and says what is missing.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { chartIds, labelFields, markLabels, renderedCharts, ReportBrowser, screenshot, type OpenedReport } from './support/report-browser.js';

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function expectCleanPage(report: OpenedReport): Promise<void> {
  expect(report.problems).toEqual([]);
  expect(report.requests).toEqual([report.url]);
  expect(report.state).toBe('ready');
  expect(await renderedCharts(report.page)).toEqual(await chartIds(report.page));
}

function notices(report: OpenedReport): Promise<string[]> {
  return report.page.$$eval('.notice', (els) => els.map((e) => e.textContent ?? ''));
}

async function reportOf(dirs: string[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'report.html');
  const result = await runCli(['report', ...dirs, '--out', file]);
  expect(result.code, result.stderr).toBe(0);
  return file;
}

let browser: ReportBrowser;
let finishedRun: string;
beforeAll(async () => {
  browser = await ReportBrowser.launch();
  const out = mkdtempSync(join(tmpdir(), 'report-bad-'));
  const result = await runCli(['run', writeManifest(smallExperiment()), '--out', out, '--quiet']);
  expect(result.code, result.stderr).toBe(0);
  finishedRun = join(out, readdirSync(out)[0]);
});
afterAll(async () => {
  await browser?.close();
});

describe('distill report refuses what it cannot report on', () => {
  it('a directory that is neither a run nor a sweep: exit 2, naming what it looked for, and nothing written', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-a-run-'));
    const result = await runCli(['report', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${empty} is neither a run directory (it has none of summary.json, manifest.resolved.json, events.jsonl, metrics.jsonl) nor a sweep directory (no sweep.json)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('a path that does not exist, and a file', async () => {
    const missing = join(tmpdir(), 'no-such-run-dir-for-distill');
    expect((await runCli(['report', missing])).stderr).toContain(`${missing}: no such directory`);
    const file = join(finishedRun, 'summary.json');
    const result = await runCli(['report', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a file, not a run or sweep directory');
  });

  it('a sweep together with a run', async () => {
    const sweepDir = mkdtempSync(join(tmpdir(), 'sweep-'));
    writeFileSync(join(sweepDir, 'sweep.json'), JSON.stringify({ sweepId: 's', name: 's', status: 'running', spec: { method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: [] }, trials: [] }));
    const result = await runCli(['report', finishedRun, sweepDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give either run directories or one sweep directory');
  });
});

describe('distill report says what is missing', () => {
  it('a run still running: a partial report of what it logged so far', async () => {
    const running = join(mkdtempSync(join(tmpdir(), 'running-')), 'run');
    cpSync(finishedRun, running, { recursive: true });
    for (const file of ['summary.json', 'evaluation.json']) rmSync(join(running, file));
    const events = readFileSync(join(running, 'events.jsonl'), 'utf8').split('\n').filter((line) => line && !line.includes('"run-ended"'));
    writeFileSync(join(running, 'events.jsonl'), `${events.join('\n')}\n`);
    // Cut the metric journal mid-line, as a run that is writing it leaves it.
    const metrics = readFileSync(join(running, 'metrics.jsonl'), 'utf8');
    writeFileSync(join(running, 'metrics.jsonl'), metrics.slice(0, Math.floor(metrics.length * 0.4)));
    const complete = metrics.slice(0, Math.floor(metrics.length * 0.4)).split('\n').slice(0, -1).map((line) => JSON.parse(line));

    const report = await browser.open(await reportOf([running]));
    await expectCleanPage(report);
    expect(await report.page.textContent('h1 .status')).toBe('RUNNING · partial');
    expect((await notices(report)).join('\n')).toContain('Partial report: the run has not ended (RUNNING)');
    const charts = await chartIds(report.page);
    expect(charts.filter((id) => id.startsWith('models-') || id.startsWith('confusion-'))).toEqual([]);
    const teacherEpochs = [...new Set(complete.filter((p) => p.key === 'teacher/val/accuracy').map((p) => p.epoch + 1))];
    const labels = (await markLabels(report.page, 'teacher-validation', 'epoch-points')).map(labelFields);
    expect(labels.map((l) => Number(l.epoch))).toEqual(teacherEpochs);
    expect(await report.page.textContent('#models')).toContain('Appears when the run ends.');
    await screenshot(report, 'partial-run');
  });

  it('a run with NaN metrics: left out of the charts, listed in a notice', async () => {
    const nan = join(mkdtempSync(join(tmpdir(), 'nan-')), 'run');
    cpSync(finishedRun, nan, { recursive: true });
    // As distill writes them: NaN as the string "NaN" in metrics.jsonl, as null in summary.json.
    const points = readFileSync(join(nan, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    for (const p of points) if (p.key === 'student/val/accuracy' && p.epoch === 0) p.value = 'NaN';
    writeFileSync(join(nan, 'metrics.jsonl'), `${points.map((p) => JSON.stringify(p)).join('\n')}\n`);
    const summary = readJson(join(nan, 'summary.json'));
    summary.metrics['baseline/test/accuracy'] = null;
    writeFileSync(join(nan, 'summary.json'), JSON.stringify(summary));

    const report = await browser.open(await reportOf([nan]));
    await expectCleanPage(report);
    const text = (await notices(report)).join('\n');
    expect(text).toContain('baseline/test/accuracy: not measurable (NaN)');
    expect(text).toContain('student/val/accuracy: 1 values');
    const finiteEpochs = [...new Set(points.filter((p) => p.key === 'student/val/accuracy' && p.value !== 'NaN').map((p) => p.epoch + 1))];
    const accuracy = (await markLabels(report.page, 'student-validation', 'epoch-points')).map(labelFields).filter((l) => l.series === 'accuracy');
    expect(accuracy.map((l) => Number(l.epoch))).toEqual(finiteEpochs);
    expect((await markLabels(report.page, 'models-accuracy', 'bars')).map((l) => labelFields(l).model)).toEqual(['teacher', 'student']);
  });

  it('a run that failed on a NaN loss: the report says so and shows what was measured', async () => {
    const out = mkdtempSync(join(tmpdir(), 'failed-'));
    const run = await runCli(['run', writeManifest(smallExperiment({ optimizer: { type: 'adam', params: { learningRate: 1e30 } } })), '--out', out, '--quiet']);
    expect(run.code).toBe(1);
    const report = await browser.open(await reportOf([join(out, readdirSync(out)[0])]));
    await expectCleanPage(report);
    expect(await report.page.textContent('h1 .status')).toBe('FAILED');
    expect((await notices(report)).join('\n')).toMatch(/The run failed.*NaN/s);
  });

  it('a sweep with no finished trial: the trials as a table, and a note where the charts would be', async () => {
    const sweepDir = mkdtempSync(join(tmpdir(), 'sweep-'));
    writeFileSync(join(sweepDir, 'sweep.json'), JSON.stringify({
      version: 1, sweepId: 'zero', name: 'nothing-yet', status: 'running', createdAt: new Date().toISOString(), baseFile: '/x/m.json',
      spec: { method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: [{ key: 'losses.0.params.temperature', paths: [['losses', '0', 'params', 'temperature']], domain: { kind: 'values', values: [1, 2, 4] } }] },
      trials: [
        { trial: 1, params: { 'losses.0.params.temperature': 1 }, status: 'failed', error: 'a NaN loss', history: {} },
        { trial: 2, params: { 'losses.0.params.temperature': 2 }, status: 'running', history: { 1: 0.5 }, epoch: 1, epochs: 3 },
        { trial: 3, params: { 'losses.0.params.temperature': 4 }, status: 'pending', history: {} },
      ],
    }));
    const result = await runCli(['report', sweepDir]);
    expect(result.code, result.stderr).toBe(0);
    const report = await browser.open(join(sweepDir, 'report.html'));
    await expectCleanPage(report);
    expect((await notices(report)).join('\n')).toContain('No trial has finished yet');
    expect(await chartIds(report.page)).toEqual([]);
    expect(await report.page.$$eval('#trials tbody tr', (rows) => rows.length)).toBe(3);
    expect(await report.page.textContent('#parameters')).toContain('No trial has a student/val/accuracy yet: 1 failed, 1 running, 1 pending.');
  });
});

describe('a sweep with two objectives', () => {
  it('marks the Pareto front, reading objective values from trial records and trial summaries, and never reads outside the sweep', async () => {
    const sweepDir = mkdtempSync(join(tmpdir(), 'pareto-'));
    const ACCURACY = 'student/val/accuracy';
    const LATENCY = 'student/latency/batch1Ms';
    // (accuracy ↑, latency ↓). Front, worked out by hand: 1, 3, 5 and 6; 2 is beaten by 1, 4 by 3.
    const values: [number, number][] = [[0.9, 0.05], [0.8, 0.06], [0.85, 0.03], [0.85, 0.04], [0.95, 0.08], [0.7, 0.02]];
    const trials = values.map(([accuracy, latency], i) => {
      const trial = i + 1;
      const runDir = `runs/t${trial}`;
      // Odd trials carry both values in the record; even ones leave the latency to their summary.json.
      mkdirSync(join(sweepDir, runDir), { recursive: true });
      writeFileSync(join(sweepDir, runDir, 'summary.json'), JSON.stringify({ status: 'FINISHED', metrics: { [ACCURACY]: accuracy, [LATENCY]: latency } }));
      return { trial, params: { 'losses.0.params.temperature': 2 ** i }, status: 'finished', metric: accuracy, ...(trial % 2 ? { metrics: { [ACCURACY]: accuracy, [LATENCY]: latency } } : {}), runDir, history: { 1: accuracy - 0.1, 2: accuracy }, epoch: 2 };
    });
    trials.push({ trial: 7, params: { 'losses.0.params.temperature': 3 }, status: 'finished', metric: 0.99, runDir: '../../../etc', history: {}, epoch: 2 } as never);
    writeFileSync(join(sweepDir, 'sweep.json'), JSON.stringify({
      version: 1, sweepId: 'two', name: 'two-objectives', status: 'finished', createdAt: new Date().toISOString(), baseFile: '/x/m.json',
      spec: {
        method: 'random',
        metric: { name: ACCURACY, goal: 'maximize' },
        metrics: [{ name: ACCURACY, goal: 'maximize' }, { name: LATENCY, goal: 'minimize' }],
        parameters: [{ key: 'losses.0.params.temperature', paths: [['losses', '0', 'params', 'temperature']], domain: { kind: 'range', distribution: 'log_uniform', min: 1, max: 64, q: 1 } }],
      },
      trials,
    }));
    const result = await runCli(['report', sweepDir]);
    expect(result.code, result.stderr).toBe(0);
    const report = await browser.open(join(sweepDir, 'report.html'));
    await expectCleanPage(report);

    // Trial 7's run directory lies outside the sweep: not read, and said.
    expect((await notices(report)).join('\n')).toContain('trial 7: its run directory "../../../etc" is not inside the sweep directory; it was not read');
    const points = (await markLabels(report.page, 'sweep-pareto', 'trials')).map(labelFields);
    expect(points.map((p) => Number(p.trial)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(points.filter((p) => p.front === 'on the Pareto front').map((p) => Number(p.trial)).sort()).toEqual([1, 3, 5, 6]);
    const labels = await report.page.$$eval('figure[data-chart="sweep-pareto"] g.front_labels_marks text', (texts) => texts.map((t) => t.textContent));
    expect(labels.map(Number).sort()).toEqual([1, 3, 5, 6]);
    expect(await report.page.$$eval('#trials tbody tr.row-front', (rows) => rows.map((r) => Number(r.cells[0].textContent!.match(/\d+/)![0])))).toEqual([1, 3, 5, 6]);
    // The latency column shows the values read from the even trials' summaries too.
    const latencyColumn = await report.page.$$eval('#trials tbody tr', (rows) => rows.map((r) => r.cells[4].textContent));
    expect(latencyColumn).toEqual(['0.05', '0.06', '0.03', '0.04', '0.08', '0.02', '–']);
    expect(existsSync(join(sweepDir, 'report.html'))).toBe(true);
    await screenshot(report, 'sweep-two-objectives');
  });
});
