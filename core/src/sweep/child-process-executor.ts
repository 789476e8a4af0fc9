// Runs trials in child processes (child_process.fork of trial-process.js): tfjs's wasm backend computes on one
// thread, so N children keep N cores busy, and a trial that crashes takes only its own process down.
// Processes are kept warm and reused: starting one (Node, tfjs, the wasm module, the plugins, the dataset package)
// costs 1.5–2 CPU seconds, as much as a small trial's training, so a process runs job after job until the pool is
// closed. A child that was interrupted, that ran JOBS_PER_PROCESS jobs, or whose job left tensors allocated says it
// cannot be reused and exits after its result; the next job gets a fresh process.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './trial-messages.js';
import type { TeacherObserver, TeacherOutcome, TeacherTask, TrialExecutor, TrialObserver, TrialOutcome, TrialTask } from './trial-executor.js';
import { threadsPerTrial } from '../backend/threads.js';

const ENTRY = fileURLToPath(new URL('./trial-process.js', import.meta.url));
const STDERR_LINES = 20;

export interface ChildProcessExecutorOptions {
  readonly env?: NodeJS.ProcessEnv;
}

/** A forked trial process and what it has written to stderr (the last lines, for a crash report). */
interface TrialProcess {
  readonly child: ChildProcess;
  readonly stderr: string[];
  label: string;
}

type JobResult = { outcome?: TrialOutcome | TeacherOutcome; failure?: string };

export class ChildProcessExecutor implements TrialExecutor {
  private readonly processes = new Set<TrialProcess>();
  /** Live processes without a job: freshly forked (possibly still loading) or done with their last job. */
  private readonly idle: TrialProcess[] = [];
  private closed = false;
  /** Where the lines children write to stderr (warnings, crashes) go, with the trial they come from. */
  onStderr: ((label: string, line: string) => void) | undefined;

  constructor(private readonly options: ChildProcessExecutorOptions = {}) {}

  /**
   * Forks processes until `count` are alive (busy or idle), so they load while the caller does other work and jobs
   * start computing as soon as they are handed over. Call it with the number of jobs that will run at once.
   */
  prewarm(count = 1): void {
    while (!this.closed && this.processes.size < count) this.idle.push(this.fork());
  }

  async runTrial(task: TrialTask, observer: TrialObserver, signal: AbortSignal): Promise<TrialOutcome> {
    const started = Date.now();
    const result = await this.run({ type: 'trial', task }, `trial ${task.trial}`, observer, signal);
    if (result.outcome) return result.outcome as TrialOutcome;
    return { status: signal.aborted ? 'KILLED' : 'FAILED', runId: task.runId, metrics: {}, stoppedEarly: false, error: result.failure, durationMs: Date.now() - started };
  }

  async prepareTeacher(task: TeacherTask, observer: TeacherObserver, signal: AbortSignal): Promise<TeacherOutcome> {
    const started = Date.now();
    const result = await this.run({ type: 'teacher', task }, 'teacher', observer, signal);
    if (result.outcome) return result.outcome as TeacherOutcome;
    return { status: signal.aborted ? 'killed' : 'failed', error: result.failure, durationMs: Date.now() - started };
  }

  forceStop(): void {
    for (const { child } of this.processes) child.kill('SIGKILL');
  }

  /** Ends the idle processes (they have no job: nothing is lost); running jobs are left to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { child } of this.idle.splice(0)) child.kill('SIGKILL');
  }

  private fork(): TrialProcess {
    const child = fork(ENTRY, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: this.options.env ?? process.env });
    const proc: TrialProcess = { child, stderr: [], label: 'trial process' };
    this.processes.add(proc);
    child.once('exit', () => {
      this.processes.delete(proc);
      const at = this.idle.indexOf(proc);
      if (at >= 0) this.idle.splice(at, 1);
    });
    child.stderr!.setEncoding('utf8');
    let partial = '';
    child.stderr!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines.filter((l) => l.trim() !== '')) {
        proc.stderr.push(line);
        if (proc.stderr.length > STDERR_LINES) proc.stderr.shift();
        this.onStderr?.(proc.label, line);
      }
    });
    child.on('error', (error) => proc.stderr.push(error.message));
    return proc;
  }

  /** The longest-idle live process, else a new one. */
  /** The CPU threads each job may use; unset, a job may use every core. */
  private threadsLimit: number | undefined;

  /**
   * Divides the cores between `concurrency` jobs at once: each may use cores / concurrency threads (at least 1), so
   * that trials on a multi-threaded backend (tensorflow) do not oversubscribe the machine.
   */
  shareCores(concurrency: number): void {
    this.threadsLimit = threadsPerTrial(concurrency);
  }

  private take(label: string): TrialProcess {
    let taken: TrialProcess | undefined;
    while (!taken && this.idle.length > 0) {
      const candidate = this.idle.shift()!;
      if (isAlive(candidate.child)) taken = candidate;
    }
    taken ??= this.fork();
    taken.label = label;
    taken.stderr.length = 0;
    return taken;
  }

  private release(proc: TrialProcess, reusable: boolean): void {
    if (reusable && !this.closed && isAlive(proc.child)) this.idle.push(proc);
    else if (isAlive(proc.child)) proc.child.kill();
  }

  private run(job: ParentMessage, label: string, observer: TrialObserver, signal: AbortSignal): Promise<JobResult> {
    return new Promise((resolve) => {
      const proc = this.take(label);
      const { child, stderr } = proc;
      const interrupt = () => child.kill('SIGINT');
      const settle = (result: JobResult, reusable: boolean) => {
        signal.removeEventListener('abort', interrupt);
        child.off('message', onMessage);
        child.off('close', onExit);
        this.release(proc, reusable && !signal.aborted);
        resolve(result);
      };
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'progress') observer.progress?.(message.report);
        else if (message.type === 'claimed') (observer as Partial<TeacherObserver>).claimed?.();
        else if (message.type === 'result') settle({ outcome: message.outcome }, message.reusable);
        else if (message.type === 'epoch') {
          void observer.epoch(message.report).then((decision) => {
            if (child.connected) child.send({ type: 'decision', seq: message.seq, decision } satisfies ParentMessage);
          });
        }
      };
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
        settle({ failure: `the ${label} process ${how} before reporting a result${stderr.length ? `: ${stderr.slice(-5).join(' | ')}` : ''}` }, false);
      };
      if (!isAlive(child)) return onExit(child.exitCode, child.signalCode);
      signal.addEventListener('abort', interrupt, { once: true });
      child.on('message', onMessage);
      // 'close', not 'exit': it comes after the IPC channel has delivered everything the child sent.
      child.once('close', onExit);
      if (signal.aborted) interrupt();
      child.send(this.threadsLimit !== undefined ? { ...job, threadsLimit: this.threadsLimit } : job);
    });
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.connected;
}
