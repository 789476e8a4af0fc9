// `distill run --resume` of a run with `pruning`, through the real CLI: the pruning masks are in the checkpoints, so a
// run SIGKILLed while its student is being pruned (between two mask updates: the steps after the checkpoint re-apply
// the saved masks) and resumed ends exactly as the same manifest ends uninterrupted on the wasm backend: the same
// summary metrics (sparsity included), byte-identical weight files, the same journaled metrics.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeManifest } from './support/cli.js';

// 1200 samples, 70% for training (840) in batches of 32: 27 steps an epoch. Masks recomputed every 4 steps (after
// steps 0, 4, 8, …), checkpoints every 5 steps (after steps 4, 9, 14, …): a resumed run goes on with the saved masks.
const manifest = {
  name: 'resume-pruning',
  seed: 5,
  backend: 'wasm',
  dataset: { type: 'synthetic', params: { numFeatures: 16, numClasses: 4, samplesPerClass: 300, labelsPerClass: 40 } },
  teacher: { type: 'mlp', params: { hidden: [32] }, train: { epochs: 1, batchSize: 32 } },
  student: { type: 'mlp', params: { hidden: [24] } },
  losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }],
  optimizer: { type: 'adam', params: { learningRate: 0.01 } },
  training: { epochs: 4, batchSize: 32, checkpoint: { everySteps: 5 } },
  pruning: { finalSparsity: 0.7, startEpoch: 0, endEpoch: 3, frequency: 4 },
};
const WEIGHT_FILES = ['student/weights.bin', 'student/model.json', 'teacher/weights.bin'];
const timing = (key: string) => key.includes('/latency/') || key.startsWith('speedup/');

interface Meta {
  stage: string;
  stages: Record<string, { step: number }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const summaryOf = (runDir: string) => readJson<{ status: string; metrics: Record<string, number>; stages: unknown; resumedFrom?: { checkpoint: string } }>(join(runDir, 'summary.json'));
const untimed = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(metrics).filter(([key]) => !timing(key)));
const onlyRunDir = (out: string) => {
  const dirs = existsSync(out) ? readdirSync(out) : [];
  return dirs.length === 1 ? join(out, dirs[0]) : undefined;
};
const checkpointsOf = (runDir: string) => (existsSync(join(runDir, 'checkpoints')) ? readdirSync(join(runDir, 'checkpoints')).filter((n) => n.startsWith('ckpt-')).sort() : []);
const metaOf = (runDir: string, name: string): Meta | undefined => {
  try {
    return readJson<Meta>(join(runDir, 'checkpoints', name, 'checkpoint.json'));
  } catch {
    return undefined;
  }
};
const journaled = (runDir: string) =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { key: string; timestamp?: number })
    .filter((point) => !timing(point.key))
    .map(({ timestamp: _, ...point }) => point);

describe('distill run --resume with pruning', () => {
  it('continues a run killed while pruning to the same results as the uninterrupted run', async () => {
    const file = writeManifest(manifest);
    const referenceOut = mkdtempSync(join(tmpdir(), 'resume-pruning-reference-'));
    const uninterrupted = await runCli(['run', file, '--out', referenceOut, '--quiet']);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const reference = onlyRunDir(referenceOut)!;
    const sparsity = (journaled(reference) as { key: string; value: number }[]).filter((point) => point.key === 'student/sparsity');
    expect(sparsity.at(-1)?.value).toBeGreaterThan(0.6);

    // Killed once the student stage has a checkpoint past step 30 (its second epoch, masks in use).
    const out = mkdtempSync(join(tmpdir(), 'resume-pruning-'));
    let child: ChildProcess | undefined;
    const pruning = (dir: string) => checkpointsOf(dir).some((name) => {
      const meta = metaOf(dir, name);
      return meta !== undefined && meta.stage !== 'teacher' && meta.stages[meta.stage].step >= 30;
    });
    const poll = setInterval(() => {
      const runDir = onlyRunDir(out);
      if (!child || !runDir || !pruning(runDir)) return;
      clearInterval(poll);
      child.kill('SIGSTOP');
      child.kill('SIGKILL');
    }, 5);
    const killed = await runCli(['run', file, '--out', out, '--quiet'], { onSpawn: (spawned) => (child = spawned) });
    clearInterval(poll);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const runDir = onlyRunDir(out)!;
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
    const newest = checkpointsOf(runDir).at(-1)!;
    const meta = metaOf(runDir, newest)!;
    expect(meta.stage).not.toBe('teacher');
    // Killed before the stage ended: its masks are in the checkpoint, one per pruned kernel.
    expect(meta.stages[meta.stage].step).toBeLessThan(4 * 27);
    const tensorNames = (readJson<{ weightsManifest: { weights: { name: string }[] }[] }>(join(runDir, 'checkpoints', newest, 'tensors.json')).weightsManifest ?? [])
      .flatMap((group) => group.weights.map((w) => w.name));
    expect(tensorNames.filter((name) => name.startsWith('pruning/')).length).toBeGreaterThanOrEqual(2);

    const resumed = await runCli(['run', '--resume', runDir, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(runDir, 'run.log'), 'utf8')).toMatch(/stage: resumed at step [1-9]\d*/);
    const actual = summaryOf(runDir);
    const expected = summaryOf(reference);
    expect(actual.status).toBe('FINISHED');
    expect(actual.resumedFrom?.checkpoint).toBe(newest);
    expect(untimed(actual.metrics)).toEqual(untimed(expected.metrics));
    expect(actual.stages).toEqual(expected.stages);
    for (const name of WEIGHT_FILES) expect(readFileSync(join(runDir, name)).equals(readFileSync(join(reference, name))), name).toBe(true);
    expect(journaled(runDir)).toEqual(journaled(reference));
  }, 240_000);
});
