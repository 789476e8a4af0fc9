// Entry point of the child process that runs one trial (or trains the shared teacher) for a local sweep: receives
// the job over IPC, runs it through the same code a queue worker uses, streams progress and per-epoch metrics back,
// and waits for the sweep's continue/stop answer after each epoch. SIGINT/SIGTERM (Ctrl-C reaches the whole process
// group) or losing the parent end the run as KILLED at its next step; repeated signals change nothing.
// The signal handlers are in place before anything heavy loads (tfjs and the plugins are imported after them), so an
// interrupt that arrives while the process starts still ends the trial cleanly.
import type { ChildMessage, ParentMessage } from './trial-messages.js';
import type { EpochDecision, EpochReport } from './trial-executor.js';
import type { TrialHooks } from './trial-hooks.js';

const interrupt = new AbortController();
const waiting = new Map<number, (decision: EpochDecision) => void>();
let seq = 0;

const stop = (reason: string) => {
  if (!interrupt.signal.aborted) interrupt.abort(reason);
  for (const resolve of waiting.values()) resolve('continue');
  waiting.clear();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('disconnect', () => stop('the sweep ended'));

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

// Loading starts at once, before a job arrives: the sweep forks this process ahead of need.
const runTrialModule = import('./run-trial.js');
const prepareTeacherModule = import('./prepare-teacher.js');
// A failed import surfaces when a job awaits it; until then it must not crash the process as unhandled.
runTrialModule.catch(() => undefined);
prepareTeacherModule.catch(() => undefined);

process.on('message', (message: ParentMessage) => {
  if (message.type === 'decision') {
    waiting.get(message.seq)?.(message.decision);
    waiting.delete(message.seq);
    return;
  }
  const job =
    message.type === 'trial'
      ? runTrialModule.then(({ runTrial }) => runTrial(message.task, hooks))
      : prepareTeacherModule.then(({ prepareTeacher }) => prepareTeacher(message.task, { ...hooks, claimed: () => void send({ type: 'claimed' }) }));
  void job.then(async (outcome) => {
    await send({ type: 'result', outcome });
    process.exit(0);
  });
});
