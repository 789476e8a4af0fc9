// The worker side of a queue sweep (`distill worker`): pulls trial jobs from the BullMQ queue and runs each through
// the same path as a local sweep — a ChildProcessExecutor forks trial-process.js, which runs `runTrial` — so the CPU
// work happens in a child process and this process stays free to renew the job's lock (BullMQ's stalled-job
// detection hands the trial to another worker only when this one is really gone). Before running a trial, the worker
// checks the plugins it needs against its own installation and seeds its teacher cache with the shared teacher.
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type RedisClient } from 'bullmq';
import { parseManifestText } from '../../manifest/parse-manifest-text.js';
import { pluginHostForManifest } from '../../manifest/open-manifest.js';
import type { TrainingCache } from '../../run/cache/training-cache.js';
import { ChildProcessExecutor } from '../child-process-executor.js';
import type { EpochDecision, TrialObserver, TrialOutcome, TrialTask } from '../trial-executor.js';
import { unmetRequirements } from './plugin-requirements.js';
import { cancelKey, decisionKey, QUEUE_NAME, type TrialJobData, type TrialJobProgress } from './queue-protocol.js';
import { fetchTeacher } from './teacher-transfer.js';

export interface TrialWorkerOptions {
  readonly connection: ConnectionOptions;
  readonly concurrency: number;
  /** Where trial run directories go. */
  readonly outDir: string;
  /** This worker's `--plugin` modules (never the coordinator's paths). */
  readonly plugins: readonly string[];
  readonly trainingCache: TrainingCache;
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

export class TrialWorker {
  private readonly worker: Worker<TrialJobData, TrialOutcome>;
  private readonly executor = new ChildProcessExecutor();
  private readonly name = `${hostname()}:${process.pid}`;

  constructor(private readonly options: TrialWorkerOptions) {
    mkdirSync(options.outDir, { recursive: true });
    this.executor.onStderr = (label, line) => options.log(`${label}: ${line}`);
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 2,
    });
    this.worker.on('error', (error) => options.log(`queue: ${error.message}`));
    this.worker.on('failed', (job, error) => job && options.log(`${job.id}: refused or failed: ${error.message}`));
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
    this.executor.prewarm(this.options.concurrency);
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
    const { task, requires, teacher } = job.data;
    const client = await this.worker.client;
    await this.checkPlugins(task, requires);
    if (teacher) {
      const how = await fetchTeacher(client, teacher, this.options.trainingCache).catch((error: Error) => {
        throw new UnrecoverableError(`worker ${this.name}: ${error.message}`);
      });
      if (how === 'fetched') this.options.log(`shared teacher ${teacher.key} fetched from Redis, digest verified`);
    }
    const local: TrialTask = { ...task, runId: this.freeRunId(task.runId, job.attemptsStarted), outDir: this.options.outDir, trainingCacheDir: this.options.trainingCache.root, plugins: this.options.plugins };
    this.options.log(`${job.id}: trial ${task.trial} of sweep ${task.sweepId} started (run ${local.runId}, attempt ${job.attemptsStarted})`);
    const cancelled = new AbortController();
    const watch = setInterval(() => void client.get(cancelKey(job.id!)).then((v) => v && cancelled.abort('cancelled'), () => undefined), 1000);
    try {
      const outcome = await this.executor.runTrial(local, this.observer(job, client, cancelled.signal), cancelled.signal);
      this.options.log(`${job.id}: trial ${task.trial} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
      return outcome;
    } finally {
      clearInterval(watch);
    }
  }

  /** Refuses the trial for good (the job fails with the reason, which the coordinator records) when plugins differ. */
  private async checkPlugins(task: TrialTask, requires: TrialJobData['requires']): Promise<void> {
    let unmet: string[];
    try {
      const parsed = parseManifestText(JSON.stringify(task.manifest), task.manifestFile);
      unmet = unmetRequirements(requires, (await pluginHostForManifest(parsed, { cliPlugins: this.options.plugins })).registries);
    } catch (error) {
      unmet = [`cannot load the trial's plugins: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (unmet.length > 0) throw new UnrecoverableError(`worker ${this.name} ${unmet.join('; ')}`);
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
