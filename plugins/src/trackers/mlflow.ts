// `mlflow` tracker: sends a run to an MLflow tracking server as it happens. `handle` only queues; a background sender
// delivers the events in order through the same code `distill sync` uses (MlflowRunDelivery), saving its progress in
// `<runDir>/mlflow.json` after each success. When the server stays unreachable past MLflow's retries, training goes
// on: the tracker retries every `retryIntervalSeconds` from the run journal, and whatever is still missing when the
// run has ended and `flushTimeoutSeconds` have passed is left for `distill sync <runDir>`.
import { definePlugin, type Environment, type RecordedEvent, type SweepInfo, type SweepProgress, type SweepSyncReport, type SweepTracking, type SyncReport, type Tracker, type WarnSink } from '@distill/core';
import {
  JournalGapError,
  MlflowClient,
  MlflowRestError,
  MlflowRunDelivery,
  DEFAULT_EXPERIMENT_ID,
  resolveMlflowConfig,
  syncMlflowRun,
  type DeliveryTarget,
} from '@distill/core/tracking';
import { MlflowSweepRun } from './mlflow-sweep-run.js';

const paramsSchema = {
  type: 'object',
  properties: {
    trackingUri: { type: 'string', description: 'MLflow tracking server, e.g. http://127.0.0.1:5000 (default: MLFLOW_TRACKING_URI).' },
    experimentName: { type: 'string', description: 'MLflow experiment to log to, created when missing (default: MLFLOW_EXPERIMENT_NAME; else experimentId).' },
    experimentId: { type: 'string', description: 'MLflow experiment id to log to when no experimentName is given (default: MLFLOW_EXPERIMENT_ID, else "0", the Default experiment).' },
    runName: { type: 'string', description: "Run name in MLflow (default: the manifest's name)." },
    tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra tags set on the run when it is created.' },
    flushTimeoutSeconds: { type: 'number', minimum: 0, default: 30, description: 'How long the end of a run waits for delivery before leaving the rest to `distill sync` (at most 5 s after Ctrl-C).' },
    retryIntervalSeconds: { type: 'number', exclusiveMinimum: 0, default: 10, description: 'Pause before trying an unreachable server again (after MLflow\'s own retries).' },
  },
  additionalProperties: false,
} as const;

// Past this many queued events the queue is dropped and the sender reads the journal instead (it has them all).
const MAX_QUEUED_EVENTS = 50_000;
const KILLED_FLUSH_LIMIT_MS = 5000;
// A run's end that waits longer than this (or half its flush timeout, when shorter) for the server says so, and for how
// long it will wait. A run delivers its logged models at its end, a few requests each: a healthy but busy server takes
// a second or two.
const SAY_WAITING_AFTER_MS = 3000;

interface SenderOptions {
  readonly flushTimeoutMs: number;
  readonly retryIntervalMs: number;
  readonly log: WarnSink;
}

export class MlflowTracker implements Tracker {
  private delivery: MlflowRunDelivery | undefined;
  private queue: RecordedEvent[] = [];
  /** Events taken from the queue and not yet acknowledged by the server. */
  private inFlight = 0;
  /** live: deliver the queue; journal: catch up from events.jsonl; stopped: leave the rest to `distill sync`. */
  private mode: 'live' | 'journal' | 'stopped' = 'live';
  private loop: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastSeq = 0;
  /** A resumed run: its MLflow run is set RUNNING again before anything else is sent. */
  private reopen = false;
  private ended = false;
  private killed = false;
  private warned = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly client: MlflowClient,
    private readonly target: DeliveryTarget,
    private readonly options: SenderOptions,
  ) {}

  /** A sweep's parent run in the same experiment; its trials become child runs. */
  openSweep(sweep: SweepInfo, resumed?: Readonly<Record<string, string>>): Promise<SweepTracking | undefined> {
    return MlflowSweepRun.open(this.client, this.target, sweep, this.options.log, resumed);
  }

  /** `distill sync` on a sweep: completes a parent run the sweep's end could not reach. */
  syncSweep(sweep: SweepInfo, state: Readonly<Record<string, string>>, progress: SweepProgress): Promise<SweepSyncReport> {
    return MlflowSweepRun.complete(this.client, sweep, state, progress);
  }

  /** `distill sync`: the events of `runDir`'s journal that MLflow does not have yet. */
  async sync(runDir: string): Promise<SyncReport> {
    const result = await syncMlflowRun(runDir, this.client, this.target, this.options.log);
    const location = result.mlflowRunId ? `${result.trackingUri}/#/experiments/${result.experimentId}/runs/${result.mlflowRunId}` : result.trackingUri;
    return { sent: result.sent, delivered: result.deliveredSeq, total: result.totalEvents, ...(location ? { location } : {}), ...(result.error ? { error: result.error } : {}) };
  }

  async handle(event: RecordedEvent): Promise<void> {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.type === 'run-started') {
      this.delivery = MlflowRunDelivery.open(this.client, event.runDir, this.target, this.options.log);
      this.delivery.prepare(event);
      this.reopen = event.resumed === true;
    }
    if (event.type === 'run-ended') {
      this.ended = true;
      this.killed = event.status === 'KILLED';
    }
    if (!this.delivery || this.mode === 'stopped') return;
    if (this.mode === 'live') {
      this.queue.push(event);
      if (this.queue.length > MAX_QUEUED_EVENTS) this.toJournalMode();
    }
    this.kick();
  }

  /**
   * Waits until everything handled so far is delivered, at most `flushTimeoutSeconds`, trying an unreachable server
   * again meanwhile. After the run has ended, what is still missing then is left for `distill sync`.
   */
  async flush(): Promise<void> {
    if (!this.delivery || this.mode === 'stopped') return;
    // Ctrl-C means "stop now": a killed run waits at most a few seconds for a slow server.
    const limit = this.killed ? Math.min(this.options.flushTimeoutMs, KILLED_FLUSH_LIMIT_MS) : this.options.flushTimeoutMs;
    const deadline = Date.now() + limit;
    const sayWaiting = this.ended ? setTimeout(() => this.sayWaiting(deadline), Math.min(SAY_WAITING_AFTER_MS, limit / 2)) : undefined;
    sayWaiting?.unref();
    try {
      await this.waitForDelivery(deadline);
    } finally {
      clearTimeout(sayWaiting);
    }
    if (!this.ended) return;
    if (this.loop) {
      this.abort.abort(new Error('flush timeout'));
      await this.loop;
    }
    // Whatever the server has not acknowledged — queued, or in a batch the timeout cut short — is said, always.
    if (this.delivery.deliveredSeq < this.lastSeq) {
      this.options.log.warn(
        `MLflow: events ${this.delivery.deliveredSeq + 1}..${this.lastSeq} of this run are not in MLflow yet; send them with: distill sync ${this.delivery.runDir}`,
      );
    }
    this.stop();
  }

  private async waitForDelivery(deadline: number): Promise<void> {
    while (this.pending() && !this.stopped() && Date.now() < deadline) {
      if (this.ended && this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        await sleep(Math.min(this.options.retryIntervalMs, deadline - Date.now()));
      }
      this.kick();
      await waitAtMost(this.loop, Math.min(this.loop ? deadline - Date.now() : 50, deadline - Date.now()));
    }
  }

  private sayWaiting(deadline: number): void {
    if (!this.delivery || this.delivery.deliveredSeq >= this.lastSeq) return;
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    this.options.log.warn(
      `MLflow: waiting up to ${seconds} s for the server to take events ${this.delivery.deliveredSeq + 1}..${this.lastSeq} (what it has not taken by then is left for: distill sync ${this.delivery.runDir})`,
    );
  }

  private kick(): void {
    if (this.loop || this.retryTimer || this.mode === 'stopped' || !this.pending()) return;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      this.kick();
    });
  }

  private stopped(): boolean {
    return this.mode === 'stopped';
  }

  private pending(): boolean {
    if (!this.delivery) return false;
    return this.mode === 'journal' ? this.delivery.deliveredSeq < this.lastSeq : this.queue.length > 0 || this.inFlight > 0;
  }

  private async drain(): Promise<void> {
    const delivery = this.delivery!;
    const signal = this.abort.signal;
    try {
      if (this.reopen) {
        await delivery.reopen(signal);
        this.reopen = false;
      }
      while (this.pending() && !signal.aborted) {
        if (this.mode === 'journal') {
          await delivery.deliverJournal(signal);
          // No await between this check and the switch: every event handled from here on is queued, in order.
          if (delivery.deliveredSeq >= this.lastSeq) this.mode = 'live';
          continue;
        }
        const batch = this.queue.splice(0);
        this.inFlight = batch.length;
        try {
          await delivery.deliver(batch, signal);
        } catch (error) {
          if (!(error instanceof JournalGapError)) throw error;
          this.toJournalMode();
        } finally {
          this.inFlight = 0;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      this.toJournalMode();
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MlflowRestError && error.transient) {
        if (!this.warned) {
          this.warned = true;
          this.options.log.warn(`MLflow unreachable (${message}); the run goes on and is recorded locally, delivery resumes when the server answers (or later: distill sync ${delivery.runDir})`);
        }
        this.scheduleRetry();
      } else {
        this.options.log.warn(`MLflow tracking stopped: ${message}; the run goes on locally (send it later with: distill sync ${delivery.runDir})`);
        this.stop();
      }
    }
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.options.retryIntervalMs);
    this.retryTimer.unref();
  }

  private toJournalMode(): void {
    this.queue = [];
    if (this.mode !== 'stopped') this.mode = 'journal';
  }

  private stop(): void {
    this.mode = 'stopped';
    this.queue = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Waits for `promise` (or just `ms` when there is none), never longer than `ms`, leaving no timer behind. */
async function waitAtMost(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  try {
    await Promise.race(promise ? [promise, timeout] : [timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Params = {
  trackingUri?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  tags?: Record<string, string>;
  flushTimeoutSeconds: number;
  retryIntervalSeconds: number;
};

export default definePlugin({
  kind: 'tracker',
  name: 'mlflow',
  description: 'Sends each run to an MLflow tracking server (params, metric curves, tags, artifacts); `distill sync` sends what could not be delivered.',
  paramsSchema,
  // MLflow's own client is configured this way: a tracking URI and the MLFLOW_* environment variables.
  addressing: {
    uriParam: 'trackingUri',
    uriVariable: 'MLFLOW_TRACKING_URI',
    complete: (params, environment) => completeParams(params, environment),
    // A password or token in the environment or in ~/.mlflow/credentials (Basic auth from a URI's userinfo is the
    // URI's own and goes where the URI goes).
    holdsCredentials: (environment) => resolveMlflowConfig({ trackingUri: 'http://127.0.0.1' }, { ...environment, MLFLOW_TRACKING_URI: undefined }).auth !== undefined,
  },
  create: (params, _context, { environment, warnings }) => createTracker(completeParams(params, environment), environment, warnings),
});

/** Where the run goes, settled from the environment so the run records it (and a trial elsewhere goes to the same place). */
function completeParams<P extends Params>(params: P, environment: Environment): P {
  const trackingUri = params.trackingUri ?? (environment.MLFLOW_TRACKING_URI || undefined);
  const experimentName = params.experimentName ?? (params.experimentId ? undefined : environment.MLFLOW_EXPERIMENT_NAME || undefined);
  const experimentId = experimentName ? undefined : params.experimentId ?? (environment.MLFLOW_EXPERIMENT_ID || DEFAULT_EXPERIMENT_ID);
  return { ...params, ...(trackingUri ? { trackingUri } : {}), ...(experimentName ? { experimentName } : {}), ...(experimentId ? { experimentId } : {}) };
}

function createTracker(params: Params, environment: Environment, warnings: WarnSink): MlflowTracker {
  const client = new MlflowClient(resolveMlflowConfig({ trackingUri: params.trackingUri }, environment));
  const target: DeliveryTarget = {
    experimentName: params.experimentName,
    experimentId: params.experimentName ? undefined : params.experimentId,
    runName: params.runName,
    tags: params.tags,
  };
  return new MlflowTracker(client, target, {
    flushTimeoutMs: params.flushTimeoutSeconds * 1000,
    retryIntervalMs: params.retryIntervalSeconds * 1000,
    log: warnings,
  });
}
