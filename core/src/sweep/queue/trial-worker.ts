// The worker side of a queue sweep (`distill worker`): pulls trial jobs from the BullMQ queue and runs each through
// the same path as a local sweep — a ChildProcessExecutor forks trial-process.js, which runs `runTrial` — so the CPU
// work happens in a child process and this process stays free to renew the job's lock (BullMQ's stalled-job
// detection hands the trial to another worker only when this one is really gone). A job is untrusted input: before
// running a trial, the worker validates the job (parse-trial-job.ts), checks the plugins it needs against its own
// installation (its built-ins and `--plugin` modules, loaded once at start; never modules a job names), checks where
// the trial would report to MLflow, and seeds its teacher cache with the shared teacher (content-addressed, bounded).
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type RedisClient } from 'bullmq';
import { createPluginHost } from '../../plugins/create-plugin-host.js';
import type { PluginRegistries } from '../../plugins/plugin-registry.js';
import type { TrainingCache } from '../../run/cache/training-cache.js';
import { ChildProcessExecutor } from '../child-process-executor.js';
import type { EpochDecision, TrialObserver, TrialOutcome, TrialTask } from '../trial-executor.js';
import { parseTrialJob } from './parse-trial-job.js';
import { unmetRequirements } from './plugin-requirements.js';
import { attemptsKey, cancelKey, decisionKey, QUEUE_NAME, resultKey, type TrialJobData, type TrialJobProgress } from './queue-protocol.js';
import { refusedTrackingTarget } from './refused-tracking-target.js';
import { fetchTeacher } from './teacher-transfer.js';
import { resumableCheckpoint } from '../../run/checkpoints/resume-point.js';

export interface TrialWorkerOptions {
  readonly connection: ConnectionOptions;
  readonly concurrency: number;
  /** Where trial run directories go. */
  readonly outDir: string;
  /** This worker's `--plugin` modules (never the coordinator's paths). */
  readonly plugins: readonly string[];
  readonly trainingCache: TrainingCache;
  /** The largest shared teacher (decoded bytes) this worker fetches from Redis. */
  readonly maxTeacherBytes?: number;
  readonly log: (line: string) => void;
}

const POLL_MS = 100;
/** A coordinator restarted with --resume missed the first report: it is sent again until answered. */
const REPORT_AGAIN_MS = 3_000;
/** An answer that never comes (the coordinator is gone) lets the trial go on. */
const DECISION_TIMEOUT_MS = 10 * 60_000;
/** Short enough that a killed worker's trial moves on within ~20 s, long enough for a busy event loop. */
const LOCK_DURATION_MS = 15_000;
const STALLED_INTERVAL_MS = 5_000;
/** Committed results and attempt lists outlive any sweep's wait for them, then go. */
const RESULT_TTL_S = 7 * 24 * 3600;
/** SET NX with a TTL: 1 when this call committed the result, 0 when one was committed before. */
const COMMIT_RESULT = 'distillCommitResult';
const ADD_ATTEMPT = 'distillAddAttempt';
const SCRIPTS = {
  [COMMIT_RESULT]: `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) and 1 or 0`,
  [ADD_ATTEMPT]: `redis.call('RPUSH', KEYS[1], ARGV[1]) return redis.call('EXPIRE', KEYS[1], ARGV[2])`,
};

export class TrialWorker {
  private readonly worker: Worker<TrialJobData, TrialOutcome>;
  private readonly executor = new ChildProcessExecutor();
  private readonly name = `${hostname()}:${process.pid}`;
  private registries: PluginRegistries | undefined;

  constructor(private readonly options: TrialWorkerOptions) {
    mkdirSync(options.outDir, { recursive: true });
    this.executor.onStderr = (label, line) => options.log(`${label}: ${line}`);
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 2,
      // Jobs are taken only once the worker's plugins and Redis scripts are ready (ready()).
      autorun: false,
    });
    this.worker.on('error', (error) => options.log(`queue: ${error.message}`));
    this.worker.on('failed', (job, error) => job && options.log(`${job.id}: refused or failed: ${error.message}`));
  }

  async ready(): Promise<void> {
    this.registries = (await createPluginHost({ cliPlugins: this.options.plugins })).registries;
    await this.worker.waitUntilReady();
    const client = await this.worker.client;
    for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua });
    this.executor.shareCores(this.options.concurrency);
    this.executor.prewarm(this.options.concurrency);
    void this.worker.run().catch((error: Error) => this.options.log(`queue: ${error.message}`));
  }

  /** Takes no more jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.executor.close();
  }

  /** Ends the running trials' processes at once; their jobs are not completed, so BullMQ hands them to another worker. */
  forceStop(): void {
    this.executor.forceStop();
  }

  private async process(job: Job<TrialJobData, TrialOutcome>): Promise<TrialOutcome> {
    const { task, requires, teacher } = this.accept(job);
    const client = await this.worker.client;
    if (teacher) {
      const how = await fetchTeacher(client, teacher, this.options.trainingCache, this.options.maxTeacherBytes).catch((error: Error) => {
        throw new UnrecoverableError(`worker ${this.name}: ${error.message}`);
      });
      if (how === 'fetched') this.options.log(`shared teacher ${teacher.key} fetched from Redis, digest verified`);
    }
    const jobId = job.id!;
    const committed = await this.committed(client, jobId);
    if (committed) {
      this.options.log(`${jobId}: trial ${task.trial} already has a committed result (run ${committed.runId}); attempt ${job.attemptsStarted} does not run it again`);
      return committed;
    }
    // An attempt whose run directory this worker already has (a killed attempt, a resumed sweep's trial) continues
    // that run from its newest checkpoint; without one it runs afresh in a new directory.
    const checkpoint = resumableCheckpoint(join(this.options.outDir, task.runId), { warn: (message) => this.options.log(`${jobId}: ${message}`) });
    if (checkpoint) this.options.log(`${jobId}: continuing run ${task.runId} from its checkpoint ${checkpoint.name}`);
    const local: TrialTask = checkpoint ? { ...task, resume: true } : { ...task, runId: this.freeRunId(task.runId, job.attemptsStarted) };
    await client.runCommand(ADD_ATTEMPT, [attemptsKey(jobId), join(this.options.outDir, local.runId), RESULT_TTL_S]);
    this.options.log(`${jobId}: trial ${task.trial} of sweep ${task.sweepId} started (run ${local.runId}, attempt ${job.attemptsStarted})`);
    const cancelled = new AbortController();
    const watch = setInterval(() => void client.get(cancelKey(jobId)).then((v) => v && cancelled.abort('cancelled'), () => undefined), 1000);
    let outcome: TrialOutcome;
    try {
      outcome = await this.executor.runTrial(local, this.observer(job, client, cancelled.signal), cancelled.signal);
      this.options.log(`${jobId}: trial ${task.trial} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
    } finally {
      clearInterval(watch);
    }
    return this.commit(client, jobId, outcome);
  }

  /**
   * Commits a FINISHED or FAILED result as the trial's, unless another attempt committed first: then this attempt was
   * stale (its lock lost, the job handed out again), its run is a duplicate, and the committed result is returned.
   * A KILLED outcome is never committed: the trial is to run again. Redis unreachable → retried until it is back.
   */
  private async commit(client: RedisClient, jobId: string, outcome: TrialOutcome): Promise<TrialOutcome> {
    if (outcome.status === 'KILLED') return outcome;
    for (;;) {
      try {
        if (await client.runCommand(COMMIT_RESULT, [resultKey(jobId), JSON.stringify(outcome), RESULT_TTL_S])) return { ...outcome, otherRuns: await this.otherRuns(client, jobId, outcome) };
        const committed = (await this.committed(client, jobId))!;
        this.options.log(`${jobId}: a stale attempt of this trial: run ${outcome.runId} finished after run ${committed.runId} was committed; ${outcome.runDir ?? outcome.runId} is a duplicate`);
        return committed;
      } catch (error) {
        this.options.log(`${jobId}: cannot commit the trial's result yet (${(error as Error).message}); retrying`);
        await sleep(1000);
      }
    }
  }

  /** The committed result, with every other attempt's run directory as it stands now. */
  private async committed(client: RedisClient, jobId: string): Promise<TrialOutcome | undefined> {
    const text = await client.get(resultKey(jobId));
    if (!text) return undefined;
    const outcome = JSON.parse(text) as TrialOutcome;
    return { ...outcome, otherRuns: await this.otherRuns(client, jobId, outcome) };
  }

  private async otherRuns(client: RedisClient, jobId: string, outcome: TrialOutcome): Promise<string[]> {
    const dirs = await client.lrange(attemptsKey(jobId), 0, -1);
    return [...new Set(dirs)].filter((dir) => dir !== outcome.runDir);
  }

  /**
   * The job as this worker may run it (validated, with the worker's own directories and plugins), or an
   * UnrecoverableError — the job fails at once with the reason, which the coordinator records — when it is malformed,
   * needs plugins this worker lacks or has in another version, or would send this worker's credentials elsewhere.
   */
  private accept(job: Job<TrialJobData, TrialOutcome>): TrialJobData {
    const refuse = (why: string) => new UnrecoverableError(`worker ${this.name} ${why}`);
    let data: TrialJobData;
    try {
      data = parseTrialJob(job.id, job.data, { outDir: this.options.outDir, trainingCacheDir: this.options.trainingCache.root, plugins: this.options.plugins });
    } catch (error) {
      throw refuse((error as Error).message);
    }
    const unmet = unmetRequirements(data.requires, this.registries!);
    if (unmet.length > 0) throw refuse(unmet.join('; '));
    const tracking = refusedTrackingTarget(data.task.tracking, this.registries!.tracker, process.env);
    if (tracking) throw refuse(tracking);
    return data;
  }

  /** A retried trial that lands where its earlier attempt left a run directory gets its own. */
  private freeRunId(runId: string, attempt: number): string {
    if (!existsSync(join(this.options.outDir, runId))) return runId;
    let n = Math.max(attempt, 2);
    while (existsSync(join(this.options.outDir, `${runId}-a${n}`))) n++;
    return `${runId}-a${n}`;
  }

  private observer(job: Job<TrialJobData, TrialOutcome>, client: RedisClient, cancelled: AbortSignal): TrialObserver {
    let seq = 0;
    const report = (progress: TrialJobProgress) => job.updateProgress(progress as unknown as object).catch(() => undefined);
    return {
      progress: (step) => void report({ type: 'progress', report: step }),
      epoch: async (epoch): Promise<EpochDecision> => {
        const id = ++seq;
        await report({ type: 'epoch', seq: id, report: epoch });
        const key = decisionKey(job.id!, id);
        const deadline = Date.now() + DECISION_TIMEOUT_MS;
        let reported = Date.now();
        while (Date.now() < deadline && !cancelled.aborted) {
          if (Date.now() - reported > REPORT_AGAIN_MS) {
            reported = Date.now();
            await report({ type: 'epoch', seq: id, report: epoch });
          }
          const answer = await client.get(key).catch(() => null);
          if (answer === 'stop' || answer === 'continue') {
            void client.del(key).catch(() => undefined);
            return answer;
          }
          await sleep(POLL_MS);
        }
        return 'continue';
      },
    };
  }
}
