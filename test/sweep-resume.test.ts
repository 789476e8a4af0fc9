// `distill sweep --resume` continues a trial from its run's checkpoint, through the real CLI: a sweep whose whole
// process group (the sweep and its trial processes) is SIGKILLed once a trial has written a checkpoint in its
// distillation stage is resumed; the interrupted trial goes on in the same run directory from that checkpoint, and
// ends exactly as the same trial of an uninterrupted sweep (same manifest, same seed, wasm backend): the same summary
// metrics, the same student weights, the same journaled metrics — each step once, none from step 0 again.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distillBin, repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

interface Trial {
  trial: number;
  status: string;
  runId?: string;
  runDir?: string;
  metric?: number | null;
  previousRuns?: string[];
  resumedFrom?: string;
}

// 480 samples, 70% for training (336) in batches of 32: 11 steps an epoch; 12 epochs a trial.
const STEPS_PER_EPOCH = 11;
const manifest = () =>
  writeManifest({
    ...smallExperiment({ backend: 'wasm', training: { epochs: 12, batchSize: 32 }, student: { type: 'mlp', params: { hidden: [8], dropout: 0.1 } } }),
    name: 'sweep-resume',
    sweep: { method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: { 'losses.0.params.temperature': { values: [2, 4] } } },
  });
const timing = (key: string) => key.includes('/latency/') || key.startsWith('speedup/');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const onlyDir = (out: string) => {
  const entries = existsSync(out) ? readdirSync(out) : [];
  return entries.length === 1 ? join(out, entries[0]) : undefined;
};
const trialsOf = (sweepDir: string) => readJson<{ status: string; trials: Trial[] }>(join(sweepDir, 'sweep.json'));
const untimed = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(metrics).filter(([key]) => !timing(key)));
const journaled = (runDir: string) =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { key: string; step: number; timestamp?: number })
    .filter((point) => !timing(point.key))
    .map(({ timestamp: _, ...point }) => point);

/** The distillation-stage checkpoints of a run: name and the stage's epochs done. */
function studentCheckpoints(runDir: string): { name: string; epoch: number }[] {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('ckpt-'))
    .flatMap((name) => {
      try {
        const meta = readJson<{ stage: string; stages: Record<string, { epoch: number }> }>(join(dir, name, 'checkpoint.json'));
        return meta.stage === 'student' ? [{ name, epoch: meta.stages.student.epoch }] : [];
      } catch {
        return [];
      }
    });
}

describe('distill sweep --resume after a SIGKILL', () => {
  it('continues the interrupted trial from its checkpoint to the results of an uninterrupted sweep', async () => {
    const file = manifest();
    // A cache each: both sweeps train their teacher and baselines (and journal them) alike.
    const cache = () => ({ DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'teacher-cache-')) });
    const referenceOut = mkdtempSync(join(tmpdir(), 'sweep-resume-reference-'));
    const reference = await runCli(['sweep', file, '--concurrency', '1', '--out', referenceOut], { env: cache() });
    expect(reference.code, reference.stderr).toBe(0);
    const referenceSweep = onlyDir(referenceOut)!;
    const referenceTrial = trialsOf(referenceSweep).trials[0];

    // The sweep in a process group of its own, SIGKILLed whole once trial 1 has a checkpoint after 3 student epochs.
    const out = mkdtempSync(join(tmpdir(), 'sweep-resume-'));
    const env = cache();
    const child = spawn(process.execPath, [distillBin, 'sweep', file, '--concurrency', '1', '--out', out], {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: 'ignore',
      detached: true,
    });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_, signal) => resolve(signal)));
    let killed = false;
    const poll = setInterval(() => {
      const sweepDir = onlyDir(out);
      const runs = sweepDir && existsSync(join(sweepDir, 'runs')) ? readdirSync(join(sweepDir, 'runs')) : [];
      const first = runs.find((run) => run.endsWith('-t001'));
      if (killed || !first || !studentCheckpoints(join(sweepDir!, 'runs', first)).some((c) => c.epoch >= 3)) return;
      killed = true;
      clearInterval(poll);
      process.kill(-child.pid!, 'SIGSTOP');
      process.kill(-child.pid!, 'SIGKILL');
    }, 5);
    expect(await ended).toBe('SIGKILL');
    clearInterval(poll);
    expect(killed).toBe(true);
    const sweepDir = onlyDir(out)!;
    const before = trialsOf(sweepDir).trials[0];
    expect(before.status).toBe('running');
    const runDir = join(sweepDir, before.runDir!);
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
    const newest = studentCheckpoints(runDir).sort((a, b) => a.name.localeCompare(b.name)).at(-1)!;
    expect(newest.epoch).toBeGreaterThanOrEqual(3);
    expect(newest.epoch).toBeLessThan(12);

    // The trial process dies with its group, a moment after the sweep process.
    const { pid } = readJson<{ pid: number }>(join(runDir, 'process.json'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 10_000, interval: 50 }).toBe(false);
    // `distill runs` shows the trial as DIED, with the command that continues it.
    const listed = await runCli(['runs', out, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout) as { id: string; status: string; resume?: string }[]).find((r) => r.id === before.runId);
    expect(row).toMatchObject({ status: 'DIED', resume: `distill sweep --resume ${sweepDir}` });
    // A trial's run is the sweep's to continue: `distill run --resume` says so, and leaves it as it is.
    const refused = await runCli(['run', '--resume', runDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`is a trial of sweep ${basename(sweepDir)}: the sweep continues it from its checkpoint`);
    expect(refused.stderr).toContain(`distill sweep --resume ${sweepDir}`);
    expect(studentCheckpoints(runDir).sort((a, b) => a.name.localeCompare(b.name)).at(-1)).toEqual(newest);

    const resumed = await runCli(['sweep', '--resume', sweepDir, '--concurrency', '1'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = trialsOf(sweepDir);
    expect(after.status).toBe('finished');
    expect(after.trials.map((t) => t.status)).toEqual(['finished', 'finished']);
    const trial = after.trials[0];
    // The same run, continued: no new run id, no earlier run left behind.
    expect(trial.runId).toBe(before.runId);
    expect(trial.runDir).toBe(before.runDir);
    expect(trial.previousRuns).toBeUndefined();
    expect(trial.resumedFrom).toBe(newest.name);
    const summary = readJson<{ status: string; metrics: Record<string, number>; stages: unknown; resumedFrom?: { checkpoint: string } }>(join(runDir, 'summary.json'));
    expect(summary.status).toBe('FINISHED');
    expect(summary.resumedFrom?.checkpoint).toBe(newest.name);
    const log = readFileSync(join(runDir, 'run.log'), 'utf8');
    expect(log).toContain(`student stage: resumed at step ${newest.epoch * STEPS_PER_EPOCH} (epoch ${newest.epoch + 1}, step 0 of the epoch) from ${newest.name}`);

    // Its results are those of the same trial of the uninterrupted sweep.
    const expected = readJson<{ metrics: Record<string, number>; stages: unknown }>(join(referenceSweep, referenceTrial.runDir!, 'summary.json'));
    expect(untimed(summary.metrics)).toEqual(untimed(expected.metrics));
    expect(summary.stages).toEqual(expected.stages);
    expect(trial.metric).toBe(referenceTrial.metric);
    expect(readFileSync(join(runDir, 'student/weights.bin')).equals(readFileSync(join(referenceSweep, referenceTrial.runDir!, 'student/weights.bin')))).toBe(true);
    // The journal went on from the checkpoint: every step once, as in the uninterrupted trial.
    const steps = journaled(runDir).filter((point) => point.key === 'student/train/loss').map((point) => point.step);
    expect(steps).toEqual(Array.from({ length: 12 * STEPS_PER_EPOCH }, (_, i) => i));
    expect(journaled(runDir)).toEqual(journaled(join(referenceSweep, referenceTrial.runDir!)));
  }, 300_000);
});
