// `distill sweep --queue` and `distill worker` through the real CLI on a real Redis server (test/setup/redis-server.ts):
// a coordinator and two worker processes run a 2×2 grid with the teacher trained once; a worker killed mid-trial
// loses no trial (BullMQ hands it to the other); a worker without a plugin the trial needs refuses it with a clear
// message that the sweep records. Each test uses its own Redis database, so no worker takes another test's trials.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { MlflowClient, resolveMlflowConfig, type MlflowRun } from '@distill/core/tracking';
import { RedisServer } from './setup/redis-server.js';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';
import { killWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';

interface Trial {
  trial: number;
  status: string;
  runId?: string;
  runDir?: string;
  metric?: number | null;
  history: Record<string, number>;
  error?: string;
}

interface Sweep {
  status: string;
  teacher: { status: string; key?: string };
  trials: Trial[];
  best?: { trial: number };
}

const TEMPERATURE = 'losses.0.params.temperature';
const LEARNING_RATE = 'optimizer.params.learningRate';
const GRID = { method: 'grid', parameters: { [TEMPERATURE]: { values: [2, 4] }, [LEARNING_RATE]: { values: [0.01, 0.03] } } };

const tagsOf = (run: MlflowRun) => Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));

afterEach(killWorkers);

function runDirs(out: string): string[] {
  return readdirSync(out).filter((name) => existsSync(join(out, name, 'summary.json')));
}

function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The tags a run recorded, from its journal (events.jsonl). */
function runTags(runDir: string): Record<string, string> {
  const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return Object.assign({}, ...events.filter((e) => e.type === 'tags').map((e) => e.tags));
}

function onlySweepDir(out: string): string {
  const entries = readdirSync(out);
  expect(entries).toHaveLength(1);
  return join(out, entries[0]);
}

/** Resolves once the sweep directory under `out` records a finished trial (polled: the coordinator writes sweep.json). */
async function recordedFinishedTrial(out: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const finished = () => {
    const [dir] = existsSync(out) ? readdirSync(out) : [];
    const file = dir === undefined ? '' : join(out, dir, 'sweep.json');
    if (!file || !existsSync(file)) return false;
    try {
      return (readJson(file) as { trials?: { status: string }[] }).trials?.some((t) => t.status === 'finished') ?? false;
    } catch {
      return false; // caught mid-write
    }
  };
  while (!finished()) {
    if (Date.now() > deadline) throw new Error(`no finished trial recorded in ${out} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopGracefully(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
}

describe('distill sweep --queue with distill worker processes', () => {
  it('runs a 2×2 grid on two workers, trains the teacher once, and writes the same sweep directory as a local sweep', async () => {
    const queue = `${inject('redisUrl')}/1`;
    const [a, b] = [startWorker(queue), startWorker(queue)];
    await Promise.all([a.waitFor(/waiting for trials/), b.waitFor(/waiting for trials/)]);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    const cache = mkdtempSync(join(tmpdir(), 'coordinator-cache-'));
    const manifest = writeManifest({ ...smallExperiment(), name: 'queue-sweep', sweep: GRID });
    // Only the coordinator is told about MLflow: the workers log the child runs where the job data says.
    const experimentName = `distill-queue-sweep-${Date.now()}`;
    const mlflow = { MLFLOW_TRACKING_URI: inject('mlflowUri'), MLFLOW_EXPERIMENT_NAME: experimentName };
    const result = await runCli(['sweep', manifest, '--queue', queue, '--concurrency', '2', '--out', out], { env: { DISTILL_CACHE_DIR: cache, ...mlflow } });
    expect(result.code, result.stderr).toBe(0);

    const sweepDir = onlySweepDir(out);
    const sweep = readJson(join(sweepDir, 'sweep.json')) as Sweep;
    expect(sweep.status).toBe('finished');
    expect(sweep.teacher.status).toBe('trained');
    expect(sweep.trials.map((t) => t.trial).sort()).toEqual([1, 2, 3, 4]);
    for (const trial of sweep.trials) {
      expect(trial.status).toBe('finished');
      expect(typeof trial.metric).toBe('number');
      expect(Object.keys(trial.history)).toEqual(['1', '2', '3']);
    }
    // Both workers ran trials, each trial exactly once, each as an ordinary run that loaded the shared teacher.
    const [runsA, runsB] = [runDirs(a.out), runDirs(b.out)];
    expect(runsA.length).toBeGreaterThan(0);
    expect(runsB.length).toBeGreaterThan(0);
    expect([...runsA, ...runsB].sort()).toEqual(sweep.trials.map((t) => t.runId).sort());
    for (const [dir, runs] of [[a.out, runsA], [b.out, runsB]] as const) {
      for (const run of runs) {
        expect(readJson(join(dir, run, 'summary.json')).status).toBe('FINISHED');
        const tags = runTags(join(dir, run));
        expect(tags['distill.teacher.cache']).toBe('reused');
        expect(tags['distill.teacher.cacheKey']).toBe(sweep.teacher.key);
      }
    }
    for (const worker of [a, b]) expect(worker.log()).toContain(`shared teacher ${sweep.teacher.key} fetched from Redis, digest verified`);
    // The teacher was trained by the coordinator only: the workers' caches hold it, fetched, never trained.
    expect(existsSync(join(sweepDir, 'teacher', 'metrics.jsonl'))).toBe(true);
    for (const worker of [a, b]) expect(worker.log()).not.toMatch(/teacher stage: training/);

    const csv = readFileSync(join(sweepDir, 'trials.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(`trial,status,${TEMPERATURE},${LEARNING_RATE},student/val/accuracy,epochs,duration_s,run_dir,error`);
    expect(csv).toHaveLength(5);
    expect(result.stdout).toMatch(/best: trial \d, student\/val\/accuracy = /);

    // The MLflow parent run of the sweep, and one child run per trial logged by the worker that ran it.
    const client = new MlflowClient(resolveMlflowConfig({ trackingUri: mlflow.MLFLOW_TRACKING_URI }, { HOME: '/nonexistent-home' }));
    const experiment = (await client.getExperimentByName(experimentName))!;
    const parentRunId = (readJson(join(sweepDir, 'sweep.json')) as { tracking: { state: { parentRunId: string } } }).tracking.state.parentRunId;
    expect((await client.getRun(parentRunId)).info.status).toBe('FINISHED');
    const children = await client.searchAllRuns({ experimentIds: [experiment.experiment_id], filter: `tags.mlflow.parentRunId = '${parentRunId}'` });
    expect(children.map((run) => tagsOf(run)['distill.runId']).sort()).toEqual(sweep.trials.map((t) => t.runId).sort());
    expect(children.every((run) => run.info.status === 'FINISHED')).toBe(true);

    await Promise.all([stopGracefully(a), stopGracefully(b)]);
  });

  it('loses no trial when a worker is killed mid-trial: the trial is retried on the other worker and recorded once', async () => {
    const queue = `${inject('redisUrl')}/2`;
    const [a, b] = [startWorker(queue), startWorker(queue)];
    await Promise.all([a.waitFor(/waiting for trials/), b.waitFor(/waiting for trials/)]);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    const slow = smallExperiment({ training: { epochs: 6, batchSize: 16 } });
    const manifest = writeManifest({ ...slow, name: 'queue-kill', sweep: GRID });
    const sweepRun = runCli(['sweep', manifest, '--queue', queue, '--concurrency', '2', '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });

    const [, victim] = await a.waitFor(/(\S+): trial \d+ of sweep \S+ started/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    a.child.kill('SIGKILL');
    const result = await sweepRun;
    expect(result.code, result.stderr).toBe(0);

    const sweep = readJson(join(onlySweepDir(out), 'sweep.json')) as Sweep;
    expect(sweep.status).toBe('finished');
    expect(sweep.trials.map((t) => t.trial).sort()).toEqual([1, 2, 3, 4]);
    expect(sweep.trials.every((t) => t.status === 'finished')).toBe(true);
    // The killed trial ran again on the surviving worker, which ran every trial A did not finish.
    expect(b.log()).toMatch(new RegExp(`${victim}: trial \\d+ of sweep \\S+ started \\(run ${victim}, attempt 2\\)`));
    expect(runDirs(b.out)).toContain(victim);
    expect(readJson(join(b.out, victim, 'summary.json')).status).toBe('FINISHED');
    expect(runDirs(b.out).length + runDirs(a.out).filter((run) => run !== victim).length).toBe(4);
    // The attempt that died with worker A is marked as a partial run.
    await expect.poll(() => existsSync(join(a.out, victim, 'summary.json')) && readJson(join(a.out, victim, 'summary.json')).status, { timeout: 20_000 }).toBe('KILLED');
    await stopGracefully(b);
  });

  it('a trial retried on the worker that has its run continues the run from its newest checkpoint', async () => {
    const queue = `${inject('redisUrl')}/7`;
    const first = startWorker(queue);
    await first.waitFor(/waiting for trials/);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    const manifest = writeManifest({ ...smallExperiment({ training: { epochs: 30, batchSize: 16 } }), name: 'queue-checkpoint', sweep: { parameters: { [TEMPERATURE]: { values: [2] } } } });
    const sweepRun = runCli(['sweep', manifest, '--queue', queue, '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
    const [, runId] = await first.waitFor(/(\S+): trial \d+ of sweep \S+ started/);
    const checkpoints = () => (existsSync(join(first.out, runId, 'checkpoints')) ? readdirSync(join(first.out, runId, 'checkpoints')).filter((n) => n.startsWith('ckpt-')) : []);
    await expect.poll(() => checkpoints().some((name) => readJson(join(first.out, runId, 'checkpoints', name, 'checkpoint.json')).stage === 'student'), { timeout: 60_000, interval: 20 }).toBe(true);
    first.child.kill('SIGKILL');
    // Its trial process sees the worker go and ends the run KILLED; a worker on the same directory takes the retry.
    await expect.poll(() => existsSync(join(first.out, runId, 'summary.json')) && readJson(join(first.out, runId, 'summary.json')).status, { timeout: 20_000 }).toBe('KILLED');
    const second = startWorker(queue, { out: first.out, cache: first.cache });
    const result = await sweepRun;
    expect(result.code, result.stderr).toBe(0);

    expect(second.log()).toMatch(new RegExp(`${runId}: continuing run ${runId} from its checkpoint ckpt-\\d{6}`));
    const [trial] = (readJson(join(onlySweepDir(out), 'sweep.json')) as Sweep).trials;
    expect(trial.status).toBe('finished');
    expect(trial.runId).toBe(runId);
    expect(readdirSync(first.out)).toEqual([runId]);
    const summary = readJson(join(first.out, runId, 'summary.json'));
    expect(summary.status).toBe('FINISHED');
    expect(summary.resumedFrom.checkpoint).toMatch(/^ckpt-\d{6}$/);
    expect(readFileSync(join(first.out, runId, 'run.log'), 'utf8')).toMatch(/student stage: resumed at step [1-9]\d*/);
    await stopGracefully(second);
  });

  it('a coordinator killed mid-sweep and resumed carries on from the queue without running any trial twice', async () => {
    const queue = `${inject('redisUrl')}/4`;
    const [a, b] = [startWorker(queue), startWorker(queue)];
    await Promise.all([a.waitFor(/waiting for trials/), b.waitFor(/waiting for trials/)]);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    const env = { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) };
    // Trials long enough that the others are still running when the first is recorded (on an idle machine a 5-epoch
    // sweep could end within a second of its first trial).
    const manifest = writeManifest({ ...smallExperiment({ training: { epochs: 30, batchSize: 16 } }), name: 'queue-resume', sweep: GRID });
    let coordinator!: ChildProcess;
    const first = runCli(['sweep', manifest, '--queue', queue, '--concurrency', '2', '--out', out], { env, onSpawn: (child) => (coordinator = child) });
    // Killed while trials run on the workers, as soon as one has finished and the coordinator has recorded it.
    await Promise.any([a.waitFor(/: trial \d+ FINISHED/), b.waitFor(/: trial \d+ FINISHED/)]);
    await recordedFinishedTrial(out);
    coordinator.kill('SIGKILL');
    expect((await first).signal).toBe('SIGKILL');
    const sweepDir = onlySweepDir(out);
    const before = readJson(join(sweepDir, 'sweep.json')) as Sweep;
    expect(before.status).toBe('running');
    expect(before.trials.some((t) => t.status === 'running')).toBe(true);

    const result = await runCli(['sweep', '--resume', sweepDir, '--queue', queue], { env });
    expect(result.code, result.stderr).toBe(0);
    const sweep = readJson(join(sweepDir, 'sweep.json')) as Sweep;
    expect(sweep.status).toBe('finished');
    expect(sweep.trials.map((t) => t.trial).sort()).toEqual([1, 2, 3, 4]);
    expect(sweep.trials.every((t) => t.status === 'finished' && typeof t.metric === 'number')).toBe(true);
    // Every trial ran exactly once on the workers, the killed coordinator's and the resumed one's together.
    const started = [...`${a.log()}${b.log()}`.matchAll(/(\S+): trial \d+ of sweep \S+ started/g)].map((m) => m[1]).sort();
    expect(started).toEqual(sweep.trials.map((t) => t.runId).sort());
    expect([...runDirs(a.out), ...runDirs(b.out)].sort()).toEqual(started);
    await Promise.all([stopGracefully(a), stopGracefully(b)]);
  });

  it('coordinator and workers reconnect when Redis restarts mid-sweep, and the sweep completes', async () => {
    const redis = await RedisServer.start({ persist: true });
    try {
      const [a, b] = [startWorker(redis.url), startWorker(redis.url)];
      await Promise.all([a.waitFor(/waiting for trials/), b.waitFor(/waiting for trials/)]);
      const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
      const manifest = writeManifest({ ...smallExperiment({ training: { epochs: 5, batchSize: 16 } }), name: 'queue-redis-restart', sweep: GRID });
      const sweepRun = runCli(['sweep', manifest, '--queue', redis.url, '--concurrency', '2', '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
      await Promise.any([a.waitFor(/trial \d+ of sweep \S+ started/), b.waitFor(/trial \d+ of sweep \S+ started/)]);
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await redis.start();
      const result = await sweepRun;
      expect(result.code, result.stderr).toBe(0);
      const sweep = readJson(join(onlySweepDir(out), 'sweep.json')) as Sweep;
      expect(sweep.status).toBe('finished');
      expect(sweep.trials.map((t) => t.trial).sort()).toEqual([1, 2, 3, 4]);
      expect(sweep.trials.every((t) => t.status === 'finished' && typeof t.metric === 'number')).toBe(true);
      await Promise.all([stopGracefully(a), stopGracefully(b)]);
    } finally {
      await redis.stop();
    }
  });

  it('a Redis outage longer than a trial\'s lock does not run the trial again: its result is committed once, by trial id', async () => {
    const redis = await RedisServer.start({ persist: true });
    const probe = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 0, retryStrategy: () => 500, lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      const worker = startWorker(redis.url);
      await worker.waitFor(/waiting for trials/);
      const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
      const manifest = writeManifest({ ...smallExperiment({ training: { epochs: 10, batchSize: 16 } }), name: 'queue-outage', sweep: { parameters: { [TEMPERATURE]: { values: [2] } } } });
      const sweepRun = runCli(['sweep', manifest, '--queue', redis.url, '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
      const [, jobId] = await worker.waitFor(/(\S+): trial \d+ of sweep \S+ started/);
      // Down a little longer than the lock has left (11–16 s: it is renewed every 3.75–7.5 s for 15 s), so it expires.
      await probe.connect();
      await expect.poll(() => probe.pttl(`bull:distill-trials:${jobId}:lock`), { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
      const outage = Math.max(11_000, (await probe.pttl(`bull:distill-trials:${jobId}:lock`)) + 1_500);
      probe.disconnect();
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, outage));
      await redis.start();
      const result = await sweepRun;
      expect(result.code, result.stderr).toBe(0);

      const [trial] = (readJson(join(onlySweepDir(out), 'sweep.json')) as Sweep).trials as (Trial & { previousRuns?: string[] })[];
      expect(trial.status).toBe('finished');
      // The record names one run, the one whose result it holds; any other attempt's directory is listed beside it.
      expect(trial.runDir!.split('/').at(-1)).toBe(trial.runId);
      const dirs = runDirs(worker.out).map((run) => join(worker.out, run));
      const listed = [trial.runDir, ...(trial.previousRuns ?? [])].map((dir) => join(onlySweepDir(out), dir!));
      expect(dirs.sort()).toEqual(listed.sort());
      expect(readJson(join(onlySweepDir(out), trial.runDir!, 'summary.json')).metrics['student/val/accuracy']).toBe(trial.metric);
      // The attempt BullMQ handed out again after the outage found the committed result and did not train.
      expect(worker.log()).toMatch(/already has a committed result|a stale attempt of this trial/);
      expect(runDirs(worker.out)).toEqual([jobId]);
      await stopGracefully(worker);
    } finally {
      probe.disconnect();
      await redis.stop();
    }
  });

  it('stops a trial early on its worker, at the epoch the coordinator judged, as a local sweep does', async () => {
    const queue = `${inject('redisUrl')}/5`;
    const worker = startWorker(queue);
    await worker.waitFor(/waiting for trials/);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    // One trial at a time: trial 1 (a working learning rate) reaches each hyperband rung first; trial 2 (a learning
    // rate too small to learn) falls behind at a rung and must be stopped there, on the worker.
    const manifest = writeManifest({
      ...smallExperiment({ training: { epochs: 8, batchSize: 32 } }),
      name: 'queue-early',
      sweep: { method: 'grid', parameters: { [LEARNING_RATE]: { values: [0.05, 1e-9] } }, earlyTerminate: { type: 'hyperband', eta: 2, minIter: 1 } },
    });
    const result = await runCli(['sweep', manifest, '--queue', queue, '--concurrency', '1', '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = onlySweepDir(out);
    const [first, second] = (readJson(join(sweepDir, 'sweep.json')) as Sweep).trials as (Trial & { stoppedEarly?: { epoch: number } })[];
    expect(first.status).toBe('finished');
    expect(Object.keys(first.history)).toHaveLength(8);
    expect(second.status).toBe('stopped');
    const epoch = second.stoppedEarly!.epoch;
    expect([1, 2, 4]).toContain(epoch);
    expect(Object.keys(second.history)).toHaveLength(epoch);
    const summary = readJson(join(worker.out, second.runId!, 'summary.json'));
    expect(summary.stages.student).toMatchObject({ epochs: epoch, stoppedEarly: true });
    expect(second.metric).toBe(summary.metrics['student/val/accuracy']);
    await stopGracefully(worker);
  });

  it('a worker without a plugin the trial needs refuses it, and the sweep records the reason', async () => {
    const queue = `${inject('redisUrl')}/3`;
    const worker = startWorker(queue);
    await worker.waitFor(/waiting for trials/);
    const out = mkdtempSync(join(tmpdir(), 'queue-sweeps-'));
    const experiment = smallExperiment({
      losses: [
        { type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 },
        { type: 'hard-ce', weight: 0.1 },
      ],
    });
    const manifest = writeManifest({ ...experiment, name: 'queue-plugin', sweep: { parameters: { [TEMPERATURE]: { values: [2] } } } });
    const plugin = join(repoRoot, 'test/fixtures/plugins/hard-ce.mjs');
    const result = await runCli(['sweep', manifest, '--plugin', plugin, '--queue', queue, '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
    expect(result.code).toBe(1);
    const sweep = readJson(join(onlySweepDir(out), 'sweep.json')) as Sweep;
    expect(sweep.trials).toHaveLength(1);
    expect(sweep.trials[0].status).toBe('failed');
    expect(sweep.trials[0].error).toMatch(/^worker \S+ lacks the loss plugin "hard-ce" \(from .*hard-ce\.mjs@1\.0\.0\)$/);
    expect(runDirs(worker.out)).toEqual([]);
    await stopGracefully(worker);
  });
});
