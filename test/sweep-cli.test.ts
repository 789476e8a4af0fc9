// `distill sweep` through the real CLI on tiny synthetic sweeps: parallel trials in child processes, the sweep
// directory (sweep.json, trials.csv, one ordinary run directory per trial), the teacher trained once, a failing
// trial recorded while the others finish, early termination, Ctrl-C and --resume, and errors caught up front.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

interface Trial {
  trial: number;
  params: Record<string, unknown>;
  status: string;
  runId?: string;
  runDir?: string;
  metric?: number | null;
  history: Record<string, number>;
  stoppedEarly?: { epoch: number; reason: string };
  error?: string;
  endedAt?: string;
  previousRuns?: string[];
}

interface Sweep {
  sweepId: string;
  status: string;
  spec: { method: string; metric: { name: string } };
  teacher: { status: string; key?: string };
  trials: Trial[];
  best?: { trial: number; metric: number; params: Record<string, unknown>; runDir: string };
}

const TEMPERATURE = 'losses.0.params.temperature';
const LEARNING_RATE = 'optimizer.params.learningRate';

function sweepManifest(sweep: Record<string, unknown>, overrides: Record<string, unknown> = {}): string {
  return writeManifest({ ...smallExperiment(overrides), name: 'tiny-sweep', sweep });
}

function dirs() {
  return { out: mkdtempSync(join(tmpdir(), 'sweeps-')), cache: mkdtempSync(join(tmpdir(), 'teacher-cache-')) };
}

function onlySweepDir(out: string): string {
  const entries = readdirSync(out);
  expect(entries).toHaveLength(1);
  return join(out, entries[0]);
}

function readSweep(sweepDir: string): Sweep {
  return JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as Sweep;
}

function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** RFC 4180 rows (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trim().split('\n')) {
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) fields.push(field), (field = '');
      else field += c;
    }
    rows.push([...fields, field]);
  }
  return rows;
}

describe('distill sweep: a 2×2 grid at concurrency 2', () => {
  it('runs every trial as an ordinary run, trains the teacher once, records a failing trial and ranks the rest', async () => {
    const { out, cache } = dirs();
    // learningRate 1e30 makes the loss NaN at the first step: those trials fail, the others must finish.
    const manifest = sweepManifest({
      method: 'grid',
      metric: { name: 'student/val/accuracy', goal: 'maximize' },
      parameters: { [TEMPERATURE]: { values: [2, 4] }, [LEARNING_RATE]: { values: [0.01, 1e30] } },
    });
    const result = await runCli(['sweep', manifest, '--concurrency', '2', '--out', out], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = onlySweepDir(out);
    const sweep = readSweep(sweepDir);

    expect(sweep.status).toBe('finished');
    expect(sweep.trials.map((t) => [t.trial, t.params[TEMPERATURE], t.params[LEARNING_RATE], t.status])).toEqual([
      [1, 2, 0.01, 'finished'],
      [2, 2, 1e30, 'failed'],
      [3, 4, 0.01, 'finished'],
      [4, 4, 1e30, 'failed'],
    ]);
    for (const trial of sweep.trials.filter((t) => t.status === 'failed')) expect(trial.error).toMatch(/NaN/);

    // Every trial is an ordinary run directory under the sweep directory, with the trial's values in its manifest.
    for (const trial of sweep.trials) {
      const runDir = join(sweepDir, trial.runDir!);
      expect(runDir.startsWith(join(sweepDir, 'runs'))).toBe(true);
      for (const file of ['summary.json', 'metrics.jsonl', 'events.jsonl', 'manifest.resolved.json', 'run.log']) expect(existsSync(join(runDir, file)), file).toBe(true);
      const summary = readJson(join(runDir, 'summary.json'));
      expect(summary.runId).toBe(trial.runId);
      expect(summary.status).toBe(trial.status === 'finished' ? 'FINISHED' : 'FAILED');
      const resolved = readJson(join(runDir, 'manifest.resolved.json'));
      expect([resolved.losses[0].params.temperature, resolved.optimizer.params.learningRate]).toEqual([trial.params[TEMPERATURE], trial.params[LEARNING_RATE]]);
      expect(resolved.sweep).toBeUndefined();
      const tags = readJson(join(runDir, 'tags.json'));
      expect(tags['distill.sweepId']).toBe(sweep.sweepId);
      // The teacher was trained once, before the trials needed it; every trial loaded it from the cache.
      expect(tags['distill.teacher.cache']).toBe('reused');
      expect(tags['distill.teacher.cacheKey']).toBe(sweep.teacher.key);
    }
    // The two finished trials (1 and 3, as ranked above) each have their student and the history of their three epochs.
    const finishedTrials = sweep.trials.filter((t) => t.status === 'finished');
    expect(finishedTrials.map((t) => t.trial)).toEqual([1, 3]);
    for (const trial of finishedTrials) {
      const runDir = join(sweepDir, trial.runDir!);
      expect(existsSync(join(runDir, 'student', 'model.json'))).toBe(true);
      expect(trial.metric).toBe(readJson(join(runDir, 'summary.json')).metrics['student/val/accuracy']);
      expect(Object.keys(trial.history)).toEqual(['1', '2', '3']);
      expect(trial.history['3']).toBe(trial.metric);
    }
    expect(sweep.teacher.status).toBe('trained');
    expect(readdirSync(join(cache, 'teachers')).filter((name) => !name.includes('.'))).toEqual([sweep.teacher.key]);
    expect(existsSync(join(sweepDir, 'teacher', 'metrics.jsonl'))).toBe(true);

    const finished = sweep.trials.filter((t) => t.status === 'finished');
    const best = finished.reduce((a, b) => (b.metric! > a.metric! ? b : a));
    expect(sweep.best).toMatchObject({ trial: best.trial, metric: best.metric, params: best.params });

    const csv = parseCsv(readFileSync(join(sweepDir, 'trials.csv'), 'utf8'));
    expect(csv[0]).toEqual(['trial', 'status', TEMPERATURE, LEARNING_RATE, 'student/val/accuracy', 'epochs', 'duration_s', 'run_dir', 'error']);
    expect(csv.slice(1).map((row) => [row[0], row[1], row[2], row[3], row[4], row[7]])).toEqual(
      sweep.trials.map((t) => [String(t.trial), t.status, String(t.params[TEMPERATURE]), String(t.params[LEARNING_RATE]), t.metric == null ? '' : String(t.metric), t.runDir]),
    );

    // The ranking on stdout: the best trial first, the failed ones unranked.
    const ranking = result.stdout.split('\n').filter((line) => /^│ (\d+|-)\s/.test(line));
    expect(ranking.map((line) => line.split('│')[2].trim())).toEqual([String(best.trial), String(finished.find((t) => t !== best)!.trial), '2', '4']);
    expect(result.stdout).toContain(`best: trial ${best.trial}, student/val/accuracy = ${best.metric!.toFixed(4)}`);
    // Not a terminal: plain progress lines.
    expect(result.stderr).toMatch(/trial 2 failed in \d+s: student stage: loss term "kl-divergence" is NaN/);
    expect(result.stderr).toMatch(/teacher: trained once in \d+s, cached as [0-9a-f]{32}/);
  });
});

describe('distill sweep: warm trial processes', () => {
  it('runs trial after trial in one process, and each trial computes exactly what a fresh `distill run` of it computes', async () => {
    const { out, cache } = dirs();
    const manifest = sweepManifest({ method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: { [TEMPERATURE]: { values: [1, 2, 8] } } });
    const result = await runCli(['sweep', manifest, '--concurrency', '1', '--out', out, '--quiet'], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = onlySweepDir(out);
    const sweep = readSweep(sweepDir);
    expect(sweep.trials.map((t) => t.status)).toEqual(['finished', 'finished', 'finished']);

    // Each trial's run.log names its process and the job it was there; the teacher's preparation was job 1.
    const jobs = sweep.trials.map((trial) => {
      const line = /trial process (\d+), job (\d+) of this process/.exec(readFileSync(join(sweepDir, trial.runDir!, 'run.log'), 'utf8'));
      expect(line, `trial ${trial.trial}`).not.toBeNull();
      return { pid: line![1], job: Number(line![2]) };
    });
    expect(new Set(jobs.map((j) => j.pid)).size).toBe(1);
    expect(jobs.map((j) => j.job)).toEqual([2, 3, 4]);

    // The last trial ran after two others in its process; a fresh process must compute the very same numbers.
    const last = sweep.trials[2];
    const fresh = join(out, 'fresh');
    const run = await runCli(['run', manifest, '--set', `${TEMPERATURE}=${last.params[TEMPERATURE]}`, '--cache', '--out', fresh, '--quiet'], { env: { DISTILL_CACHE_DIR: cache } });
    expect(run.code, run.stderr).toBe(0);
    const freshRunDir = join(fresh, readdirSync(fresh)[0]);
    const studentMetrics = (runDir: string) =>
      readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { key: string; step: number; value: number })
        .filter((point) => point.key.startsWith('student/') && !point.key.includes('latency'))
        .map(({ key, step, value }) => ({ key, step, value }));
    const swept = studentMetrics(join(sweepDir, last.runDir!));
    expect(swept.length).toBeGreaterThan(10);
    expect(studentMetrics(freshRunDir)).toEqual(swept);
    expect(readFileSync(join(freshRunDir, 'student', 'weights.bin'))).toEqual(readFileSync(join(sweepDir, last.runDir!, 'student', 'weights.bin')));
  });
});

describe('distill sweep: a trial process that leaked tensors', () => {
  it('is not given another trial: the next trial runs in a fresh process', async () => {
    const { out, cache } = dirs();
    const manifest = writeManifest({
      ...smallExperiment({ losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'leaky-cross-entropy', weight: 0.1 }] }),
      name: 'leaky-sweep',
      sweep: { method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: { [TEMPERATURE]: { values: [1, 2] } } },
    });
    const plugin = join(repoRoot, 'test/fixtures/plugins/leaky-cross-entropy.mjs');
    const result = await runCli(['sweep', manifest, '--plugin', plugin, '--concurrency', '1', '--out', out, '--quiet'], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = onlySweepDir(out);
    const sweep = readSweep(sweepDir);
    expect(sweep.trials.map((t) => t.status)).toEqual(['finished', 'finished']);
    const processes = sweep.trials.map((trial) => /trial process (\d+), job (\d+)/.exec(readFileSync(join(sweepDir, trial.runDir!, 'run.log'), 'utf8'))!.slice(1, 3));
    // The teacher's preparation builds the losses too, so it leaked as well: each trial got a fresh process.
    expect(processes.map(([, job]) => job)).toEqual(['1', '1']);
    expect(processes[1][0]).not.toBe(processes[0][0]);
  });
});

describe('distill sweep: early termination', () => {
  it('stops a trial that falls behind at a hyperband rung; its run ends there and is recorded as stopped', async () => {
    const { out, cache } = dirs();
    // At concurrency 1 trial 1 (a working learning rate) reaches each rung (epochs 1, 2, 4) first; trial 2 (a
    // learning rate too small to learn anything) is then judged against it, and stopped at the first rung where
    // it is behind, outside the top 1/2.
    const manifest = sweepManifest({
      method: 'grid',
      parameters: { [LEARNING_RATE]: { values: [0.05, 1e-9] } },
      earlyTerminate: { type: 'hyperband', eta: 2, minIter: 1 },
    }, { training: { epochs: 8, batchSize: 32 } });
    const result = await runCli(['sweep', manifest, '--concurrency', '1', '--out', out], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = onlySweepDir(out);
    const [first, second] = readSweep(sweepDir).trials;
    expect(first.status).toBe('finished');
    expect(Object.keys(first.history)).toHaveLength(8);
    expect(second.status).toBe('stopped');
    const epoch = second.stoppedEarly!.epoch;
    expect([1, 2, 4]).toContain(epoch);
    expect(second.history[epoch]).toBeLessThan(first.history[epoch]);
    for (const rung of [1, 2, 4].filter((e) => e < epoch)) expect(second.history[rung]).toBeGreaterThanOrEqual(first.history[rung]);
    expect(second.stoppedEarly!.reason).toBe(`hyperband: ${Number(second.history[epoch].toPrecision(4))} at epoch ${epoch} is outside the top 1/2 of 1 trial (cutoff ${Number(first.history[epoch].toPrecision(4))})`);
    expect(Object.keys(second.history)).toHaveLength(epoch);
    const summary = readJson(join(sweepDir, second.runDir!, 'summary.json'));
    expect(summary.status).toBe('FINISHED');
    expect(summary.stages.student).toMatchObject({ epochs: epoch, stoppedEarly: true, stoppedBy: 'early-termination' });
    expect(second.metric).toBe(summary.metrics['student/val/accuracy']);
    expect(readJson(join(sweepDir, first.runDir!, 'summary.json')).stages.student).toMatchObject({ epochs: 8, stoppedEarly: false });
    // distill runs lists the stopped trial as such, not as FINISHED.
    const listed = await runCli(['runs', sweepDir, '--json']);
    const statuses = Object.fromEntries((JSON.parse(listed.stdout) as { id: string; status: string }[]).map((row) => [row.id, row.status]));
    expect(statuses).toEqual({ [basename(first.runDir!)]: 'FINISHED', [basename(second.runDir!)]: 'EARLY-TERMINATED' });
  });
});

describe('distill sweep: Ctrl-C and --resume', () => {
  it('stops cleanly on SIGINT, and --resume runs only what had not finished, continuing trials from their checkpoints', async () => {
    const { out, cache } = dirs();
    // Trials 1 and 2 are short, 3 and 4 long: the interrupt comes while 3 and 4 run.
    const manifest = sweepManifest({
      method: 'grid',
      parameters: { 'training.epochs': { values: [1, 150] }, [TEMPERATURE]: { values: [2, 4] } },
    });
    const env = { DISTILL_CACHE_DIR: cache };
    let interrupted = false;
    const first = await runCli(['sweep', manifest, '--concurrency', '2', '--out', out], {
      env,
      onSpawn: (child) => {
        void (async () => {
          for (;;) {
            await sleep(100);
            const entries = existsSync(out) ? readdirSync(out) : [];
            if (entries.length === 0 || !existsSync(join(out, entries[0], 'sweep.json'))) continue;
            const trials = readSweep(join(out, entries[0])).trials;
            const reported = trials.filter((t) => t.trial >= 3 && t.status === 'running' && Object.keys(t.history).length > 0);
            if (trials.filter((t) => t.status === 'finished').length === 2 && reported.length > 0) break;
          }
          interrupted = true;
          child.kill('SIGINT');
        })();
      },
    });
    expect(interrupted).toBe(true);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toContain('continue it with: distill sweep --resume');
    const sweepDir = onlySweepDir(out);
    const stopped = readSweep(sweepDir);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.trials.map((t) => t.status)).toEqual(['finished', 'finished', 'killed', 'killed']);
    // A trial that had started training ends as a KILLED run; one interrupted while its process was still starting
    // may have no run directory yet — but one that reported an epoch has one.
    const killed = stopped.trials.slice(2);
    const withRuns = killed.filter((trial) => trial.runDir !== undefined);
    expect(killed.filter((trial) => Object.keys(trial.history).length > 0).every((trial) => trial.runDir !== undefined)).toBe(true);
    expect(withRuns.map((trial) => readJson(join(sweepDir, trial.runDir!, 'summary.json')).status)).toEqual(withRuns.map(() => 'KILLED'));
    const finishedBefore = stopped.trials.slice(0, 2).map((t) => ({ ...t, mtime: statSync(join(sweepDir, t.runDir!, 'summary.json')).mtimeMs }));
    // A trial that ended an epoch wrote a checkpoint there: it is continued from it, in the same run.
    const hasCheckpoint = (trial: Trial) => trial.runDir !== undefined && existsSync(join(sweepDir, trial.runDir, 'checkpoints')) && readdirSync(join(sweepDir, trial.runDir, 'checkpoints')).some((name) => name.startsWith('ckpt-'));
    const continued = new Set(killed.filter(hasCheckpoint).map((trial) => trial.trial));
    expect(killed.filter((trial) => Object.keys(trial.history).length > 0).every((trial) => continued.has(trial.trial))).toBe(true);
    expect(continued.size).toBeGreaterThan(0);

    const resumed = await runCli(['sweep', '--resume', sweepDir, '--concurrency', '2'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = readSweep(sweepDir);
    expect(done.status).toBe('finished');
    expect(done.trials.map((t) => t.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    // The finished trials were not run again: same run, same record, summary untouched.
    for (const before of finishedBefore) {
      const after = done.trials[before.trial - 1];
      expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([key]) => key !== 'mtime')));
      expect(statSync(join(sweepDir, after.runDir!, 'summary.json')).mtimeMs).toBe(before.mtime);
    }
    // The interrupted ones with a checkpoint were continued in their run; the others ran again as new runs, their
    // killed runs staying, listed.
    for (const trial of done.trials.slice(2)) {
      const killed = stopped.trials[trial.trial - 1];
      const again = killed.runDir !== undefined && !continued.has(trial.trial);
      expect(trial.runId).toBe(again ? `${killed.runId}-r2` : killed.runId);
      expect(trial.previousRuns).toEqual(again ? [killed.runDir] : undefined);
      const summary = readJson(join(sweepDir, trial.runDir!, 'summary.json'));
      expect(summary.status).toBe('FINISHED');
      expect(summary.resumedFrom?.checkpoint).toEqual(continued.has(trial.trial) ? expect.stringMatching(/^ckpt-\d{6}$/) : undefined);
    }
    expect(readdirSync(join(sweepDir, 'runs')).sort()).toEqual(
      [...done.trials.map((t) => t.runId!), ...stopped.trials.slice(2).filter((t) => t.runDir && !continued.has(t.trial)).map((t) => t.runId!)].sort(),
    );
    expect(done.teacher.status).toBe('trained');
  });
});

describe('distill sweep: checked before anything runs', () => {
  it('exits 2 with one precise line for a parameter path that does not exist, starting nothing', async () => {
    const { out, cache } = dirs();
    const manifest = writeManifest(`{
  "name": "bad-sweep",
  "dataset": { "type": "synthetic" },
  "teacher": { "type": "mlp" },
  "student": { "type": "mlp" },
  "losses": [{ "type": "kl-divergence" }],
  "training": { "epochs": 1 },
  "sweep": {
    "parameters": {
      "student.params.hiden": { "values": [[8]] }
    }
  }
}
`);
    const result = await runCli(['sweep', manifest, '--out', out], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${manifest}:10:7: /sweep/parameters/student.params.hiden: value [8]: the manifest has no /student/params/hiden: unknown key "hiden"; did you mean "hidden"?`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses to resume when the manifest changed since the sweep started', async () => {
    const { out, cache } = dirs();
    const sweep = { method: 'grid', parameters: { [TEMPERATURE]: { values: [2] } } };
    const manifest = sweepManifest(sweep, { training: { epochs: 1, batchSize: 32 } });
    expect((await runCli(['sweep', manifest, '--out', out, '--quiet'], { env: { DISTILL_CACHE_DIR: cache } })).code).toBe(0);
    const sweepDir = onlySweepDir(out);
    writeFileSync(manifest, JSON.stringify({ ...smallExperiment({ training: { epochs: 2, batchSize: 32 } }), name: 'tiny-sweep', sweep }));
    const result = await runCli(['sweep', '--resume', sweepDir], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot resume: the manifest or the sweep spec changed since the sweep started');
  });
});
