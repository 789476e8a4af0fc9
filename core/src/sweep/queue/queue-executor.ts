// A TrialExecutor that puts trials on a BullMQ queue for `distill worker` processes: the coordinator keeps proposing,
// judging and recording as in a local sweep (SweepCoordinator); this executor only carries each trial there and back.
// A job is the trial's task plus the plugins it needs and the shared teacher's address; its id is the trial's run id,
// so a resumed coordinator re-adding a trial finds the job it added before (finished or not) instead of a new one.
// Per-epoch reports arrive as job progress (QueueEvents); the answer goes into a Redis key the worker polls.
// The shared teacher is trained here, in a local child process, then published in Redis for the workers.
import { Queue, QueueEvents, type ConnectionOptions, type Job } from 'bullmq';
import type { PluginRegistries } from '../../plugins/plugin-registry.js';
import { ChildProcessExecutor } from '../child-process-executor.js';
import type { EpochDecision, TeacherObserver, TeacherOutcome, TeacherTask, TrialExecutor, TrialObserver, TrialOutcome, TrialTask } from '../trial-executor.js';
import { parseTrialOutcome } from './parse-trial-job.js';
import { pluginRequirements } from './plugin-requirements.js';
import { cancelKey, decisionKey, QUEUE_NAME, type TeacherReference, type TrialJobData, type TrialJobProgress } from './queue-protocol.js';
import { publishTeacher } from './teacher-transfer.js';
import { publicTarget } from '../../tracking/tracking-target.js';

export interface QueueExecutorOptions {
  readonly connection: ConnectionOptions;
  readonly registries: PluginRegistries;
  /** Tries per trial: a worker that dies mid-trial hands it to another, up to this many times in all. */
  readonly attempts?: number;
}

/** Keys the coordinator writes for a worker expire on their own: a vanished worker leaves nothing behind. */
const KEY_TTL_S = 24 * 3600;

export class QueueExecutor implements TrialExecutor {
  private readonly queue: Queue<TrialJobData, TrialOutcome>;
  private readonly events: QueueEvents;
  private readonly local = new ChildProcessExecutor();
  private readonly progress = new Map<string, (progress: TrialJobProgress) => void>();
  private teacher: TeacherReference | undefined;
  private connected = false;
  /** Where the lines the teacher's process writes to stderr go. */
  onStderr: ((label: string, line: string) => void) | undefined;

  constructor(private readonly options: QueueExecutorOptions) {
    this.queue = new Queue(QUEUE_NAME, { connection: options.connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection: options.connection });
    this.events.on('progress', ({ jobId, data }) => this.progress.get(jobId)?.(data as TrialJobProgress));
    this.local.onStderr = (label, line) => this.onStderr?.(label, line);
  }

  /** Resolves once both connections are up (or rejects with Redis's error). */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    this.connected = true;
  }

  async runTrial(task: TrialTask, observer: TrialObserver, signal: AbortSignal): Promise<TrialOutcome> {
    const started = Date.now();
    const jobId = task.runId;
    const client = await this.queue.client;
    // An epoch reported again (the answer was slow, or this coordinator was restarted) is judged once.
    const decisions = new Map<number, Promise<EpochDecision>>();
    this.progress.set(jobId, (message) => {
      if (message.type === 'progress') return observer.progress?.(message.report);
      const decision = decisions.get(message.seq) ?? observer.epoch(message.report);
      decisions.set(message.seq, decision);
      void decision.then((answer) => client.set(decisionKey(jobId, message.seq), answer, { EX: KEY_TTL_S }));
    });
    // Credentials never cross the queue: a worker reaches the tracker with its own.
    const data: TrialJobData = { task: { ...task, tracking: publicTarget(task.tracking) }, requires: pluginRequirements(task.manifest, this.options.registries), ...(this.teacher ? { teacher: this.teacher } : {}) };
    const attempts = this.options.attempts ?? 3;
    let job: Job<TrialJobData, TrialOutcome> | undefined;
    let removed!: () => void;
    const taken = new Promise<TrialOutcome>((resolve) => {
      removed = () => resolve({ status: 'KILLED', runId: task.runId, metrics: {}, stoppedEarly: false, error: 'interrupted before a worker took it', durationMs: Date.now() - started });
    });
    const cancel = () => void this.cancel(job, jobId).then((wasWaiting) => wasWaiting && removed());
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await this.dropKilledRun(jobId);
      job = await this.queue.add('trial', data, { jobId, attempts, removeOnComplete: false, removeOnFail: false });
      if (signal.aborted) cancel();
      const outcome = await Promise.race([job.waitUntilFinished(this.events), taken]);
      const checked = parseTrialOutcome(outcome);
      if (typeof checked === 'string') throw new Error(checked);
      return checked;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { status: signal.aborted ? 'KILLED' : 'FAILED', runId: task.runId, metrics: {}, stoppedEarly: false, error: message, durationMs: Date.now() - started };
    } finally {
      signal.removeEventListener('abort', cancel);
      this.progress.delete(jobId);
    }
  }

  /** Trains the teacher here, then publishes it for the workers; trials start once it is published. */
  async prepareTeacher(task: TeacherTask, observer: TeacherObserver, signal: AbortSignal): Promise<TeacherOutcome> {
    const outcome = await this.local.prepareTeacher(task, { ...observer, claimed: () => undefined }, signal);
    if ((outcome.status === 'trained' || outcome.status === 'reused') && outcome.key && outcome.dir) {
      this.teacher = await publishTeacher(await this.queue.client, outcome.key, outcome.dir);
    }
    observer.claimed();
    return outcome;
  }

  forceStop(): void {
    this.local.forceStop();
  }

  async close(): Promise<void> {
    await this.local.close();
    // A graceful close waits for a connection that never came up: drop it instead.
    if (this.connected) await Promise.all([this.events.close(), this.queue.close()]);
    else await Promise.all([this.events.disconnect(), this.queue.disconnect()]);
  }

  /** A waiting job is taken off the queue (true); a running one is asked to end at its next step. */
  private async cancel(job: Job | undefined, jobId: string): Promise<boolean> {
    const client = await this.queue.client;
    await client.set(cancelKey(jobId), '1', { EX: KEY_TTL_S });
    if (!job || (await job.getState()) !== 'waiting') return false;
    return job.remove().then(() => true, () => false);
  }

  /**
   * A resumed sweep runs its killed trials again under the same run id: the job that ended KILLED is removed so the
   * trial is queued afresh, while a job that finished (or still runs) is followed as it is.
   */
  private async dropKilledRun(jobId: string): Promise<void> {
    const client = await this.queue.client;
    await client.del(cancelKey(jobId));
    const earlier = await this.queue.getJob(jobId);
    if (earlier && (await earlier.getState()) === 'completed' && earlier.returnvalue?.status === 'KILLED') await earlier.remove();
  }
}

