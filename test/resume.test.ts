// Checkpoints and `distill run --resume` through the real CLI: runs killed with SIGKILL (right after a checkpoint is
// written, in the middle of an epoch, in the baseline) are resumed and must end exactly as the same manifest and seed
// end uninterrupted on the wasm backend: the same summary metrics and stages, byte-identical weight files, the same
// journaled metrics (no step twice). Also: a corrupt newest checkpoint, a changed manifest, a finished run, and how
// `distill runs` shows a run whose process died.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeManifest } from './support/cli.js';

// Two distillation stages (a hint stage training a projection, then KD), dropout in both models (the seeded
// Math.random must be put back), Adam with a cosine schedule (slots, beta powers, the learning rate), early stopping
// with restoreBest (its state and best weights), checkpoints every 5 steps besides every epoch.
const manifest = (checkpoint: Record<string, unknown>) => ({
  name: 'resume',
  seed: 11,
  backend: 'wasm',
  dataset: { type: 'synthetic', params: { numFeatures: 16, numClasses: 4, samplesPerClass: 300, labelsPerClass: 40 } },
  teacher: { type: 'mlp', params: { hidden: [48], dropout: 0.2 }, train: { epochs: 2, batchSize: 32 } },
  student: { type: 'mlp', params: { hidden: [12], dropout: 0.1 } },
  stages: [
    { name: 'hint', epochs: 2, losses: [{ type: 'feature-mse', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'linear' } }] },
    { name: 'kd', epochs: 4, losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }] },
  ],
  optimizer: { type: 'adam', params: { learningRate: 0.01 } },
  scheduler: { type: 'cosine' },
  training: { epochs: 4, batchSize: 32, checkpoint, earlyStopping: { metric: 'val/accuracy', mode: 'max', patience: 2, restoreBest: true } },
});
const everyFiveSteps = () => writeManifest(manifest({ everySteps: 5 }));
// 1200 samples, 70% for training (840) in batches of 32: 27 steps an epoch for the distillation stages.
const STEPS_PER_EPOCH = 27;

// Files whose bytes must match: the saved student, its losses' variables, the trained teacher.
const WEIGHT_FILES = ['student/weights.bin', 'student/model.json', 'student/loss-variables.bin', 'student/loss-variables.json', 'teacher/weights.bin', 'teacher/model.json'];
// Wall-clock measurements differ between any two runs.
const timing = (key: string) => key.includes('/latency/') || key.startsWith('speedup/');

interface Summary {
  runId: string;
  status: string;
  metrics: Record<string, number>;
  stages: Record<string, unknown>;
  studentWeights?: unknown;
  resumedFrom?: { checkpoint: string; changes?: string[] };
}

interface Meta {
  stage: string;
  reason: string;
  stages: Record<string, { step: number; epoch: number; stepInEpoch: number }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const summaryOf = (runDir: string) => readJson<Summary>(join(runDir, 'summary.json'));
const untimed = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(metrics).filter(([key]) => !timing(key)));

/** The journaled metric points without their timestamps and timings, in order. */
function journaled(runDir: string): unknown[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { key: string; timestamp?: number })
    .filter((point) => !timing(point.key))
    .map(({ timestamp: _, ...point }) => point);
}

function checkpointsOf(runDir: string): string[] {
  const dir = join(runDir, 'checkpoints');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('ckpt-')).sort() : [];
}

function metaOf(runDir: string, name: string): Meta | undefined {
  try {
    return readJson<Meta>(join(runDir, 'checkpoints', name, 'checkpoint.json'));
  } catch {
    return undefined;
  }
}

function onlyRunDir(out: string): string | undefined {
  const dirs = existsSync(out) ? readdirSync(out) : [];
  return dirs.length === 1 ? join(out, dirs[0]) : undefined;
}

/** Starts a run and SIGKILLs it as soon as `when(runDir)` holds (polled every 5 ms); returns its run directory. */
async function killedRun(manifestFile: string, when: (runDir: string) => boolean): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'resume-'));
  let child: ChildProcess | undefined;
  const poll = setInterval(() => {
    const runDir = onlyRunDir(out);
    if (!child || !runDir || !when(runDir)) return;
    clearInterval(poll);
    // Stopped first so that what the test reads of the run is where it was killed.
    child.kill('SIGSTOP');
    child.kill('SIGKILL');
  }, 5);
  const result = await runCli(['run', manifestFile, '--out', out, '--quiet'], { onSpawn: (spawned) => (child = spawned) });
  clearInterval(poll);
  expect(result.signal, result.stderr).toBe('SIGKILL');
  const runDir = onlyRunDir(out)!;
  expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
  return runDir;
}

async function resume(runDir: string, args: string[] = []) {
  return runCli(['run', '--resume', runDir, '--quiet', ...args]);
}

describe('distill run --resume', () => {
  let reference: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'resume-reference-'));
    // The uninterrupted run writes checkpoints only at the end of each epoch: where they are written changes nothing.
    const result = await runCli(['run', writeManifest(manifest({})), '--out', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    reference = onlyRunDir(out)!;
  }, 180_000);

  function expectSameRun(runDir: string): void {
    const expected = summaryOf(reference);
    const actual = summaryOf(runDir);
    expect(actual.status).toBe('FINISHED');
    expect(untimed(actual.metrics)).toEqual(untimed(expected.metrics));
    expect(actual.stages).toEqual(expected.stages);
    expect(actual.studentWeights).toEqual(expected.studentWeights);
    for (const file of WEIGHT_FILES) expect(readFileSync(join(runDir, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
    expect(journaled(runDir)).toEqual(journaled(reference));
  }

  it('the uninterrupted run checkpoints every epoch and keeps the last two and the best', () => {
    const names = checkpointsOf(reference);
    // One per epoch of every stage: the last two are kept, and the best one (by val/accuracy) besides them when older.
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names.length).toBeLessThanOrEqual(3);
    expect(metaOf(reference, names.at(-1)!)?.stage).toBe('baseline');
    expect(summaryOf(reference).stages).toMatchObject({ hint: { epochs: 2 }, kd: { steps: expect.any(Number) } });
  });

  it('continues a run killed right after its first checkpoint (in the teacher stage) to the same results', async () => {
    const runDir = await killedRun(everyFiveSteps(), (dir) => checkpointsOf(dir).length >= 1);
    const result = await resume(runDir);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(runDir, 'run.log'), 'utf8')).toMatch(/teacher stage: resumed at step [1-9]\d*/);
    expectSameRun(runDir);
    expect(summaryOf(runDir).resumedFrom?.checkpoint).toMatch(/^ckpt-\d{6}$/);
  }, 180_000);

  it('continues a run killed in the middle of an epoch, training again the steps after its last checkpoint', async () => {
    // Checkpoints only at epoch ends; killed once the journal shows kd's second epoch half done.
    const midEpoch = (dir: string) => {
      const lines = existsSync(join(dir, 'metrics.jsonl')) ? readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n') : [];
      return lines.some((line) => line.startsWith('{"key":"kd/train/loss",') && (JSON.parse(line) as { step: number }).step === STEPS_PER_EPOCH + 13);
    };
    const runDir = await killedRun(writeManifest(manifest({})), midEpoch);
    const newest = metaOf(runDir, checkpointsOf(runDir).at(-1)!)!;
    const lastStep = Math.max(...(journaled(runDir) as { key: string; step: number }[]).filter((p) => p.key === 'kd/train/loss').map((p) => p.step));
    // Killed mid-epoch: the checkpoint is at the end of kd's first epoch, the journal steps beyond it.
    expect(newest).toMatchObject({ stage: 'kd', reason: 'epoch', stages: { kd: { step: STEPS_PER_EPOCH, epoch: 1, stepInEpoch: 0 } } });
    expect(lastStep).toBeGreaterThanOrEqual(STEPS_PER_EPOCH + 13);
    expect(lastStep).toBeLessThan(2 * STEPS_PER_EPOCH - 1);

    const result = await resume(runDir);
    expect(result.code, result.stderr).toBe(0);
    expectSameRun(runDir);
  }, 180_000);

  it('falls back to the checkpoint before a corrupt one, with a warning, and still ends as the uninterrupted run', async () => {
    const runDir = await killedRun(everyFiveSteps(), (dir) => checkpointsOf(dir).some((name) => metaOf(dir, name)?.stage === 'baseline'));
    const names = checkpointsOf(runDir);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const newest = names.at(-1)!;
    const tensors = join(runDir, 'checkpoints', newest, 'tensors.bin');
    truncateSync(tensors, Math.floor(statSync(tensors).size / 2));

    const result = await resume(runDir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`warning: checkpoint ${newest} cannot be used: tensors.bin does not match its checksum (truncated or changed); falling back to the one before it`);
    expect(summaryOf(runDir).resumedFrom?.checkpoint).toBe(names.at(-2));
    expectSameRun(runDir);
  }, 180_000);

  it('shows a killed run as DIED with its last step and the command that resumes it', async () => {
    const runDir = await killedRun(everyFiveSteps(), (dir) => checkpointsOf(dir).some((name) => metaOf(dir, name)?.stage === 'kd'));
    const listed = await runCli(['runs', join(runDir, '..'), '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const [row] = JSON.parse(listed.stdout) as { status: string; lastStep: { key: string }; resume: string }[];
    expect(row.status).toBe('DIED');
    expect(row.lastStep.key).toBe('kd/train/loss');
    expect(row.resume).toBe(`distill run --resume ${runDir}`);

    const table = await runCli(['runs', join(runDir, '..')]);
    expect(table.stdout).toMatch(/DIED after kd step \d+ \(epoch \d+\)/);

    // A manifest that changed since the run started is refused, naming what changed; nothing of the run is touched.
    const refused = await resume(runDir, ['--set', 'stages.kd.epochs=5']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the manifest changed since the run started:\n  stages.1.epochs: 4 → 5');
    expect(refused.stderr).toContain('--allow-changed');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);

    // --allow-changed continues with the change and records it.
    const allowed = await resume(runDir, ['--set', 'stages.kd.epochs=5', '--allow-changed']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('warning: resumed with a changed manifest: stages.1.epochs: 4 → 5');
    const summary = summaryOf(runDir);
    expect(summary.resumedFrom?.changes).toEqual(['stages.1.epochs: 4 → 5']);
    expect(summary.stages.kd).toMatchObject({ steps: expect.any(Number) });
    const relisted = JSON.parse((await runCli(['runs', join(runDir, '..'), '--json'])).stdout) as { status: string }[];
    expect(relisted[0].status).toBe('FINISHED');
  }, 180_000);

  it('continues a run ended by Ctrl-C (KILLED) to the same results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'resume-'));
    let child: ChildProcess | undefined;
    const poll = setInterval(() => {
      const runDir = onlyRunDir(out);
      if (!child || !runDir || !checkpointsOf(runDir).some((name) => metaOf(runDir, name)?.stage === 'hint')) return;
      clearInterval(poll);
      child.kill('SIGINT');
    }, 5);
    const interrupted = await runCli(['run', everyFiveSteps(), '--out', out, '--quiet'], { onSpawn: (spawned) => (child = spawned) });
    clearInterval(poll);
    expect(interrupted.code).toBe(130);
    const runDir = onlyRunDir(out)!;
    expect(summaryOf(runDir).status).toBe('KILLED');

    const result = await resume(runDir);
    expect(result.code, result.stderr).toBe(0);
    expectSameRun(runDir);
  }, 180_000);

  it('refuses to resume a run whose process is still training it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'resume-'));
    let child: ChildProcess | undefined;
    let refusal: Promise<Awaited<ReturnType<typeof resume>>> | undefined;
    const poll = setInterval(() => {
      const runDir = onlyRunDir(out);
      if (!child || !runDir || checkpointsOf(runDir).length === 0) return;
      clearInterval(poll);
      child.kill('SIGSTOP');
      refusal = resume(runDir).finally(() => child!.kill('SIGKILL'));
    }, 5);
    await runCli(['run', everyFiveSteps(), '--out', out, '--quiet'], { onSpawn: (spawned) => (child = spawned) });
    clearInterval(poll);
    const refused = await refusal!;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`is still running (process ${child!.pid}); two processes cannot train one run`);
  }, 120_000);

  it('says a finished run is finished and exits 0 without touching it', async () => {
    const before = readFileSync(join(reference, 'summary.json'));
    const result = await resume(reference);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`run ${summaryOf(reference).runId} already finished; nothing to resume`);
    expect(readFileSync(join(reference, 'summary.json')).equals(before)).toBe(true);
  }, 60_000);
});
