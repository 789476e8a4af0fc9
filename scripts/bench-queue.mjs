#!/usr/bin/env node
// Queue sweeps (`distill sweep --queue` + `distill worker`) on this machine, through the real, built CLI (run
// `npm run build` first) and a redis-server started by the script on a free loopback port (Debian: apt-get install
// redis-server).
//   1. Coordinator overhead per trial, with trivial trials (1 epoch on a few synthetic samples), one worker and one
//      trial at a time: enqueue → start (a job's `timestamp` to its `processedOn`, as BullMQ records them) and
//      result → next proposal (a job's `finishedOn` to the next job's `timestamp`: the result travels back through
//      QueueEvents, the coordinator records it, proposes and enqueues the next trial). Medians over the trials.
//   2. End-to-end wall time of a small sweep (2×2 grid, the test suite's synthetic experiment, 3 epochs, teacher
//      trained once by the coordinator) with 1 and with 2 local workers (one trial each at a time), from spawning
//      the coordinator to its exit. The machine has 2 cores: with 2 workers the coordinator and both trials share them.
// Usage: node scripts/bench-queue.mjs [--trivial N]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { median } from './median.mjs';

const { values: options } = parseArgs({ options: { trivial: { type: 'string', default: '10' } } });
const root = fileURLToPath(new URL('..', import.meta.url));
const distill = join(root, 'cli/bin/distill.js');

const experiment = (overrides) => ({
  name: 'bench-queue',
  seed: 3,
  dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 120, labelsPerClass: 10 } },
  teacher: { type: 'mlp', params: { hidden: [64] }, train: { epochs: 4, batchSize: 32 } },
  student: { type: 'mlp', params: { hidden: [8] } },
  losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }],
  optimizer: { type: 'adam', params: { learningRate: 0.01 } },
  training: { epochs: 3, batchSize: 32 },
  ...overrides,
});

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(args, env = {}) {
  const child = spawn(process.execPath, [distill, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function startWorkers(queue, count) {
  const workers = Array.from({ length: count }, () => start(['worker', '--queue', queue, '--concurrency', '1', '--out', mkdtempSync(join(tmpdir(), 'bench-worker-'))], { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'bench-wcache-')) }));
  while (!workers.every((w) => w.stderr().includes('waiting for trials'))) await sleep(50);
  return workers;
}

async function stopWorkers(workers) {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

async function sweep(queue, manifest, concurrency) {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-queue-')), 'sweep.json');
  writeFileSync(file, JSON.stringify(manifest));
  const started = performance.now();
  const coordinator = start(['sweep', file, '--queue', queue, '--concurrency', String(concurrency), '--quiet', '--out', mkdtempSync(join(tmpdir(), 'bench-sweeps-'))], { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'bench-ccache-')) });
  const code = await coordinator.exited;
  if (code !== 0) throw new Error(`distill sweep exited with ${code}:\n${coordinator.stderr()}`);
  return (performance.now() - started) / 1000;
}


const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'bench-redis-'))], { stdio: 'ignore' });
await sleep(300);
try {
  // 1. Trivial trials, one at a time.
  const trivialQueue = `redis://127.0.0.1:${port}/1`;
  const trivial = Number(options.trivial);
  const workers = await startWorkers(trivialQueue, 1);
  const tiny = experiment({
    dataset: { type: 'synthetic', params: { numFeatures: 4, numClasses: 2, samplesPerClass: 16, labelsPerClass: 4 } },
    teacher: { type: 'mlp', params: { hidden: [4] }, train: { epochs: 1, batchSize: 32 } },
    student: { type: 'mlp', params: { hidden: [2] } },
    training: { epochs: 1, batchSize: 32 },
    sweep: { method: 'grid', parameters: { 'losses.0.params.temperature': { values: Array.from({ length: trivial }, (_, i) => i + 1) } } },
  });
  const trivialSeconds = await sweep(trivialQueue, tiny, 1);
  await stopWorkers(workers);
  const queue = new Queue('distill-trials', { connection: { host: '127.0.0.1', port, db: 1 } });
  const jobs = (await queue.getJobs(['completed'])).sort((a, b) => a.timestamp - b.timestamp);
  await queue.close();
  const pickup = jobs.map((j) => j.processedOn - j.timestamp);
  const turnaround = jobs.slice(1).map((j, i) => j.timestamp - jobs[i].finishedOn);
  const onWorker = jobs.map((j) => j.finishedOn - j.processedOn);
  console.log(`trivial trials: ${jobs.length} in ${trivialSeconds.toFixed(1)} s (one worker, one at a time)`);
  console.log(`  enqueue → start (worker takes the job): median ${median(pickup)} ms (min ${Math.min(...pickup)}, max ${Math.max(...pickup)})`);
  console.log(`  result → next proposal (next job enqueued): median ${median(turnaround)} ms (min ${Math.min(...turnaround)}, max ${Math.max(...turnaround)})`);
  console.log(`  a trivial trial on the worker (child process, tfjs, 1 epoch): median ${median(onWorker)} ms`);

  // 2. A small sweep with 1 and 2 workers.
  const grid = experiment({ sweep: { method: 'grid', parameters: { 'losses.0.params.temperature': { values: [2, 4] }, 'optimizer.params.learningRate': { values: [0.01, 0.03] } } } });
  for (const count of [1, 2]) {
    const q = `redis://127.0.0.1:${port}/${count + 1}`;
    const ws = await startWorkers(q, count);
    const seconds = await sweep(q, grid, 2);
    await stopWorkers(ws);
    console.log(`2×2 grid sweep, ${count} worker${count > 1 ? 's' : ''}: ${seconds.toFixed(1)} s end to end (teacher trained once by the coordinator)`);
  }
} finally {
  redis.kill('SIGTERM');
}
