// Entry point of a child process that runs a local sweep's trials (or trains the shared teacher), one job at a time:
// receives each job over IPC, runs it through the same code a queue worker uses, streams progress and per-epoch
// metrics back, and waits for the sweep's continue/stop answer after each epoch. The process stays for the next job
// unless SIGINT/SIGTERM (Ctrl-C reaches the whole process group) or losing the parent interrupted it (the running
// job ends as KILLED at its next step; repeated signals change nothing), it has run JOBS_PER_PROCESS jobs, or a job
// left tensors allocated (a leaking custom plugin must not grow one process without bound).
// The signal handlers are in place before anything heavy loads (tfjs and the plugins are imported after them), so an
// interrupt that arrives while the process starts still ends the job cleanly.
import type { ChildMessage, ParentMessage } from './trial-messages.js';
import type { EpochDecision, EpochReport } from './trial-executor.js';
import type { TrialHooks } from './trial-hooks.js';
import { guardConsole } from '../secrets/console-guard.js';
import { registerEnvironmentSecrets } from '../secrets/environment-secrets.js';
import { THREADS_LIMIT_ENV } from '../backend/threads.js';

/** A bound on what one process accumulates (wasm heap, compiled code) over a long sweep. */
const JOBS_PER_PROCESS = 25;

const interrupt = new AbortController();
const waiting = new Map<number, (decision: EpochDecision) => void>();
let seq = 0;
let jobsRun = 0;

const stop = (reason: string) => {
  if (!interrupt.signal.aborted) interrupt.abort(reason);
  for (const resolve of waiting.values()) resolve('continue');
  waiting.clear();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('disconnect', () => {
  stop('the sweep ended');
  // An idle process has nothing to finish; a busy one exits once its job has ended (below).
  if (!busy) process.exit(0);
});

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

const hooks: TrialHooks = {
  signal: interrupt.signal,
  progress: (report) => void send({ type: 'progress', report }),
  epoch: (report: EpochReport) =>
    new Promise<EpochDecision>((resolve) => {
      if (interrupt.signal.aborted) return resolve('continue');
      const id = ++seq;
      waiting.set(id, resolve);
      void send({ type: 'epoch', seq: id, report });
    }),
};

registerEnvironmentSecrets(process.env);
guardConsole();

// Loading starts at once, before a job arrives: the sweep forks this process ahead of need.
const tfModule = import('@tensorflow/tfjs');
const runTrialModule = import('./run-trial.js');
const prepareTeacherModule = import('./prepare-teacher.js');
// A failed import surfaces when a job awaits it; until then it must not crash the process as unhandled.
for (const loading of [tfModule, runTrialModule, prepareTeacherModule]) loading.catch(() => undefined);

let busy = false;

process.on('message', (message: ParentMessage) => {
  if (message.type === 'decision') {
    waiting.get(message.seq)?.(message.decision);
    waiting.delete(message.seq);
    return;
  }
  busy = true;
  void runJob(message).then(async ({ outcome, reusable }) => {
    busy = false;
    await send({ type: 'result', outcome, reusable });
    if (!reusable) process.exit(0);
  });
});

async function runJob(message: Extract<ParentMessage, { type: 'trial' | 'teacher' }>) {
  // Read when the job starts its backend: the tensorflow backend's thread pool is sized once per process.
  if (message.threadsLimit !== undefined) process.env[THREADS_LIMIT_ENV] = String(message.threadsLimit);
  const tf = await tfModule.catch(() => undefined);
  const tensorsBefore = tf?.memory().numTensors;
  const jobHooks = { ...hooks, job: ++jobsRun };
  const outcome =
    message.type === 'trial'
      ? await runTrialModule.then(({ runTrial }) => runTrial(message.task, jobHooks))
      : await prepareTeacherModule.then(({ prepareTeacher }) => prepareTeacher(message.task, { ...jobHooks, claimed: () => void send({ type: 'claimed' }) }));
  const leaked = tf !== undefined && tf.memory().numTensors !== tensorsBefore;
  const reusable = !interrupt.signal.aborted && process.connected && jobsRun < JOBS_PER_PROCESS && !leaked;
  return { outcome, reusable };
}
