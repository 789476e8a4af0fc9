// Runs each trial in its own child process (child_process.fork of trial-process.js): tfjs's wasm backend computes on
// one thread, so N children keep N cores busy, and a trial that crashes or leaks takes only its own process down.
// One process is kept forked ahead of need: it loads tfjs and the plugins (about a second) while the sweep validates
// its manifest or other trials run, so a trial starts computing as soon as it is handed over. Every process still
// runs a single trial or teacher preparation and then exits.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './trial-messages.js';
import type { TeacherObserver, TeacherOutcome, TeacherTask, TrialExecutor, TrialObserver, TrialOutcome, TrialTask } from './trial-executor.js';

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

export class ChildProcessExecutor implements TrialExecutor {
  private readonly processes = new Set<TrialProcess>();
  private spare: TrialProcess | undefined;
  private closed = false;
  /** Where the lines children write to stderr (warnings, crashes) go, with the trial they come from. */
  onStderr: ((label: string, line: string) => void) | undefined;

  constructor(private readonly options: ChildProcessExecutorOptions = {}) {}

  /** Forks the process the next job will use, if none is waiting. */
  prewarm(): void {
    if (!this.closed && !this.spare) this.spare = this.fork();
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

  /** Ends the spare process (it has no job: nothing is lost); running jobs are left to finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.spare?.child.kill('SIGKILL');
    this.spare = undefined;
  }

  private fork(): TrialProcess {
    const child = fork(ENTRY, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: this.options.env ?? process.env });
    const proc: TrialProcess = { child, stderr: [], label: 'trial process' };
    this.processes.add(proc);
    child.once('exit', () => {
      this.processes.delete(proc);
      if (this.spare === proc) this.spare = undefined;
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

  /** The spare process when it is still alive, else a new one; a new spare is forked for the next job. */
  private take(label: string): TrialProcess {
    const spare = this.spare;
    this.spare = undefined;
    const taken = spare && spare.child.exitCode === null && spare.child.signalCode === null && spare.child.connected ? spare : this.fork();
    if (taken !== spare) spare?.child.kill();
    taken.label = label;
    this.prewarm();
    return taken;
  }

  private run(job: ParentMessage, label: string, observer: TrialObserver, signal: AbortSignal): Promise<{ outcome?: TrialOutcome | TeacherOutcome; failure?: string }> {
    return new Promise((resolve) => {
      const { child, stderr } = this.take(label);
      let outcome: TrialOutcome | TeacherOutcome | undefined;
      const interrupt = () => child.kill('SIGINT');
      signal.addEventListener('abort', interrupt, { once: true });
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'progress') observer.progress?.(message.report);
        else if (message.type === 'claimed') (observer as Partial<TeacherObserver>).claimed?.();
        else if (message.type === 'result') outcome = message.outcome;
        else if (message.type === 'epoch') {
          void observer.epoch(message.report).then((decision) => {
            if (child.connected) child.send({ type: 'decision', seq: message.seq, decision } satisfies ParentMessage);
          });
        }
      });
      const finish = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        signal.removeEventListener('abort', interrupt);
        if (outcome) return resolve({ outcome });
        const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
        resolve({ failure: `the ${label} process ${how} before reporting a result${stderr.length ? `: ${stderr.slice(-5).join(' | ')}` : ''}` });
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish(child.exitCode, child.signalCode);
      child.once('exit', finish);
      if (signal.aborted) interrupt();
      child.send(job);
    });
  }
}
