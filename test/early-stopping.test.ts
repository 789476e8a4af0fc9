// `training.earlyStopping` through the real CLI: a stage stops after `patience` validations without improvement (read
// back from the journaled validation metrics), `restoreBest` ends it with its best epoch's weights — the very weights a
// run of that many epochs ends with — and the summary says which epoch's weights were evaluated and saved. A sweep
// trial its sweep stopped is listed by `distill runs` as EARLY-TERMINATED, a run early stopping stopped as FINISHED.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeManifest } from './support/cli.js';

const PATIENCE = 3;
const manifest = (training: Record<string, unknown>) => ({
  name: 'early',
  seed: 5,
  backend: 'wasm',
  dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 60, labelsPerClass: 40 } },
  teacher: { type: 'mlp', params: { hidden: [32] }, train: { epochs: 3, batchSize: 16 } },
  student: { type: 'mlp', params: { hidden: [64] } },
  losses: [{ type: 'cross-entropy' }],
  // A high learning rate: the validation loss turns up within a few epochs.
  optimizer: { type: 'adam', params: { learningRate: 0.05 } },
  training: { epochs: 30, batchSize: 16, baseline: false, ...training },
});

interface Summary {
  metrics: Record<string, number>;
  stages: Record<string, Record<string, unknown>>;
  studentWeights?: { stage: string; epoch: number; restoredBest: boolean };
}

async function run(training: Record<string, unknown>) {
  const out = mkdtempSync(join(tmpdir(), 'early-'));
  const result = await runCli(['run', writeManifest(manifest(training)), '--out', out, '--quiet', '--json']);
  expect(result.code, result.stderr).toBe(0);
  const runDir = join(out, readdirSync(out)[0]);
  return { runDir, summary: JSON.parse(result.stdout) as Summary };
}

/** The stage's validation loss after each epoch, as journaled. */
function validationLosses(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { key: string; value: number; epoch: number })
    .filter((point) => point.key === 'student/val/loss')
    .sort((a, b) => a.epoch - b.epoch)
    .map((point) => point.value);
}

describe('training.earlyStopping', () => {
  it('stops after patience validations without improvement and restores the best epoch’s weights', async () => {
    const { runDir, summary } = await run({ earlyStopping: { metric: 'val/loss', mode: 'min', patience: PATIENCE, restoreBest: true } });
    const losses = validationLosses(runDir);
    const best = losses.indexOf(Math.min(...losses));
    // The journal ends PATIENCE validations after the best one, and none of those improved on it.
    expect(losses.length).toBe(best + 1 + PATIENCE);
    expect(losses.length).toBeLessThan(30);
    expect(summary.stages.student).toMatchObject({ epochs: losses.length, stoppedEarly: true, stoppedBy: 'early-stopping', weightsEpoch: best + 1 });
    expect(summary.studentWeights).toEqual({ stage: 'student', epoch: best + 1, restoredBest: true });
    expect(summary.metrics['student/val/loss']).toBe(losses[best]);

    // The saved student is the one a run of best + 1 epochs ends with, byte for byte, and measures the same.
    const short = await run({ epochs: best + 1 });
    expect(short.summary.stages.student).toMatchObject({ epochs: best + 1, stoppedEarly: false });
    expect(readFileSync(join(runDir, 'student/weights.bin')).equals(readFileSync(join(short.runDir, 'student/weights.bin')))).toBe(true);
    expect(summary.metrics['student/test/accuracy']).toBe(short.summary.metrics['student/test/accuracy']);
    expect(summary.metrics['student/test/loss']).toBe(short.summary.metrics['student/test/loss']);
  }, 120_000);

  it('without restoreBest keeps the last epoch’s weights and says so', async () => {
    const { runDir, summary } = await run({ earlyStopping: { metric: 'val/loss', patience: PATIENCE } });
    const losses = validationLosses(runDir);
    expect(summary.stages.student).toMatchObject({ epochs: losses.length, stoppedEarly: true, stoppedBy: 'early-stopping', weightsEpoch: losses.length });
    expect(summary.studentWeights).toEqual({ stage: 'student', epoch: losses.length, restoredBest: false });
    expect(summary.metrics['student/val/loss']).toBe(losses.at(-1));
  }, 120_000);

  it('refuses a metric the stages do not report before anything trains, at its place, naming the valid ones', async () => {
    const out = mkdtempSync(join(tmpdir(), 'early-'));
    const result = await runCli(['run', writeManifest(manifest({ epochs: 2, earlyStopping: { metric: 'val/acuracy' } })), '--out', out, '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/manifest\.json:\d+:\d+: \/training\/earlyStopping\/metric: the stages report no "val\/acuracy"; valid: val\/accuracy, val\/loss, val\/agreement/);
    expect(result.stderr).toContain('did you mean "val/accuracy"?');
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});

describe('distill runs', () => {
  /** A finished run directory whose student stage stopped early, by `stoppedBy` (absent: as sweeps wrote it before). */
  function stoppedRun(root: string, id: string, stoppedBy?: string): void {
    const dir = join(root, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify({ seq: 1, type: 'run-started', runId: id, name: 'trial', runDir: dir, startTime: 0 })}\n`);
    const student = { steps: 20, epochs: 2, stoppedEarly: true, ...(stoppedBy ? { stoppedBy } : {}) };
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ runId: id, name: 'trial', status: 'FINISHED', metrics: {}, stages: { student } }));
  }

  it('lists a trial its sweep stopped as EARLY-TERMINATED and a run early stopping ended as FINISHED', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    stoppedRun(root, 'a-terminated', 'early-termination');
    stoppedRun(root, 'b-older-trial');
    stoppedRun(root, 'c-early-stopped', 'early-stopping');
    const result = await runCli(['runs', root, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { id: string; status: string }[];
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      ['a-terminated', 'EARLY-TERMINATED'],
      ['b-older-trial', 'EARLY-TERMINATED'],
      ['c-early-stopped', 'FINISHED'],
    ]);
  }, 30_000);
});
