// `distill sweep <manifest>`: a hyperparameter sweep — every trial's manifest validated up front, the shared teacher
// trained once, trials in parallel child processes with early termination, a live table and a final ranking, the
// sweep directory (sweep.json, trials.csv, runs/) kept current, an MLflow parent run when tracking is on.
// `--resume <sweepDir>` continues an interrupted sweep without re-running its finished trials.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { createRunId } from '../run/run-id.js';
import { TrainingCache } from '../run/cache/training-cache.js';
import { openSweep, type OpenedSweep } from '../sweep/open-sweep.js';
import { readSweepRecord, type SweepRecord } from '../sweep/sweep-record.js';
import { SweepStore } from '../sweep/sweep-store.js';
import { SweepCoordinator } from '../sweep/sweep-coordinator.js';
import { ChildProcessExecutor } from '../sweep/child-process-executor.js';
import type { TrialExecutor } from '../sweep/trial-executor.js';
import { QueueExecutor } from '../sweep/queue/queue-executor.js';
import { reachRedis, redactedUrl, redisConnection } from '../sweep/queue/redis-connection.js';
import { SweepTableReporter } from './sweep-table-reporter.js';
import { SweepLineReporter } from './sweep-line-reporter.js';
import type { SweepReporter } from '../sweep/sweep-reporter.js';
import { openSweepTracking, sweepProgress } from '../sweep/sweep-tracking.js';
import { resolveTrackingTarget, type TrackingTarget } from '../tracking/tracking-target.js';
import { createProposer, methodCaveat } from '../sweep/trial-proposer.js';
import { formatRanking } from '../sweep/sweep-ranking.js';
import { positiveInteger } from './option-parsers.js';
import { overridesOf, addManifestOptions, addThreadsOption } from './manifest-options.js';
import { handleInterrupts, type Interrupt } from './interrupts.js';
import { writeReport } from '../report/write-report.js';

interface SweepOptions {
  set?: string[];
  plugin?: string[];
  concurrency?: number;
  out: string;
  trackingUri?: string;
  resume?: string;
  queue?: string;
  quiet?: boolean;
  report?: boolean;
}

/** Runs the trials: child processes here, or BullMQ workers with --queue. */
type SweepExecutor = (ChildProcessExecutor | QueueExecutor) & TrialExecutor;

export function register(command: Command): void {
  command
    .argument('[manifest]', 'a manifest with a "sweep" section, or a sweep file naming its base manifest');
  addThreadsOption(addManifestOptions(command))
    .option('--concurrency <n>', 'trials at once, each in its own process (default: the spec\'s concurrency, else the CPU cores)', positiveInteger)
    .option('--out <dir>', 'directory that receives the sweep directory', 'sweeps')
    .option('--tracking-uri <uri>', 'log the sweep (parent run) and its trials (child runs) to this MLflow server (also: MLFLOW_TRACKING_URI)')
    .option('--resume <sweepDir>', 'continue an interrupted sweep, skipping its finished trials')
    .option('--queue <url>', 'put the trials on a Redis queue for `distill worker` processes: redis://[user:password@]host:6379[/db], or rediss://… for TLS')
    .option('--quiet', 'no live table or progress lines on stderr')
    .option('--report', 'write an HTML report of the sweep (report.html in the sweep directory) when it ends')
    .action(async (file: string | undefined, options: SweepOptions) => {
      process.exitCode = await sweepCommand(file, options);
    });
}

async function sweepCommand(file: string | undefined, options: SweepOptions): Promise<number> {
  const local = options.queue ? undefined : new ChildProcessExecutor();
  // The first trial process loads tfjs and the plugins while this one validates the sweep.
  local?.prewarm();
  let executor: SweepExecutor | undefined = local;
  try {
    return await sweep(file, options, async (opened) => {
      if (executor) return executor;
      await reachRedis(options.queue!);
      const queued = new QueueExecutor({ connection: redisConnection(options.queue!), registries: opened.host.registries });
      executor = queued;
      await queued.ready();
      return queued;
    });
  } finally {
    await executor?.close();
  }
}

async function sweep(file: string | undefined, options: SweepOptions, executorFor: (opened: OpenedSweep) => Promise<SweepExecutor>): Promise<number> {
  const resumed = options.resume ? readSweepRecord(resolve(options.resume)) : undefined;
  if (resumed && file) throw new UserError('give either a manifest or --resume <sweepDir>, not both');
  if (!resumed && !file) throw new UserError('missing the manifest', { hint: 'distill sweep <manifest>, or distill sweep --resume <sweepDir>' });
  const overrides = overridesOf(options);
  const cliPlugins = options.plugin ?? [];
  if (resumed && (overrides.length > 0 || cliPlugins.length > 0)) {
    throw new UserError('--set and --plugin cannot change a resumed sweep: it reuses those it started with');
  }
  const plugins = resumed?.plugins ?? cliPlugins.map((p) => (p.startsWith('.') ? resolve(p) : p));
  const opened = await openSweep(resumed?.specFile ?? file!, { overrides: resumed?.overrides ?? overrides, cliPlugins: plugins });
  if (resumed && resumed.fingerprint !== opened.fingerprint) {
    throw new UserError(`cannot resume: the manifest or the sweep spec changed since the sweep started (${resumed.specFile})`, {
      hint: 'a resumed sweep must run the trials it started with; restore the files, or start a new sweep',
    });
  }
  const executor = await executorFor(opened);
  const concurrency = options.concurrency ?? opened.spec.concurrency ?? availableParallelism();
  const sweepDir = resumed ? resolve(options.resume!) : join(resolve(options.out), createRunId());
  const record = resumed ? { ...resumed, spec: opened.spec, concurrency } : newRecord(opened, sweepDir, overrides, plugins, concurrency);
  const store = new SweepStore(sweepDir, record);
  const reporter = createReporter(record, options.quiet);
  const limit = createProposer(opened.spec).limit;
  if (executor instanceof ChildProcessExecutor) executor.shareCores(Math.min(concurrency, limit));
  executor.prewarm?.(Math.min(concurrency, limit));
  reporter.message(`sweep ${record.sweepId}${resumed ? ' (resumed)' : ''}: ${opened.spec.method}, up to ${limit} trials, ${concurrency} at a time, in ${sweepDir}${options.queue ? `, trials on the queue at ${redactedUrl(options.queue)}` : ''}`);
  const caveat = methodCaveat(opened.spec);
  if (caveat) reporter.message(`warning: ${caveat}`);

  const target = trackingTarget(opened, options.trackingUri, resumed);
  const warnings = { warn: (line: string) => reporter.message(`warning: ${line}`) };
  const parent = await openSweepTracking(opened.host, target, record, { environment: process.env, warnings });
  if (parent) reporter.message(parent.description);

  executor.onStderr = (label, line) => reporter.message(`${label}: ${line}`);
  const interrupt = interruptSweep(executor, reporter);
  const coordinator = new SweepCoordinator({
    store,
    base: opened.base,
    registries: opened.host.registries,
    executor,
    concurrency,
    reporter,
    signal: interrupt.signal,
    template: {
      manifestFile: opened.baseFile,
      plugins,
      tracking: target,
      trainingCacheDir: resolve(TrainingCache.fromEnvironment().root),
      tags: { 'distill.sweepId': record.sweepId },
    },
    trialTags: parent && ((trial) => parent.trialTags(trial)),
    onTrialEnded: () => parent?.update(sweepProgress(record, sweepDir)),
  });
  try {
    await coordinator.run();
  } catch (error) {
    record.status = 'failed';
    record.error = error instanceof Error ? error.message : String(error);
    store.save();
    throw error;
  } finally {
    interrupt.dispose();
    reporter.close();
    const report = options.report ? sweepReport(sweepDir) : undefined;
    await parent?.end(sweepProgress(record, sweepDir, report ? [report] : []));
    if (report) process.stdout.write(`report: ${report}\n`);
  }
  process.stdout.write(`${formatRanking(record)}\nsweep directory: ${sweepDir}\n`);
  if (record.status === 'interrupted') {
    const done = record.trials.filter((t) => ['finished', 'stopped', 'failed'].includes(t.status)).length;
    process.stderr.write(`sweep interrupted with ${done} trials done; continue it with: distill sweep --resume ${sweepDir}\n`);
    return 130;
  }
  if (record.status === 'failed') {
    process.stderr.write(`sweep failed: ${record.error ?? 'every trial failed'}\n`);
    return 1;
  }
  return 0;
}

/** The trials' tracker: the one a resumed sweep used, unless --tracking-uri says otherwise. */
function trackingTarget(opened: OpenedSweep, trackingUri: string | undefined, resumed: SweepRecord | undefined): TrackingTarget {
  const manifest = resumed?.tracking ?? (opened.loaded.namesTracker ? opened.loaded.experiment.tracking : undefined);
  return resolveTrackingTarget({ manifest, trackingUri, environment: process.env }, opened.host.registries.tracker);
}

/** The sweep's HTML report, written from its directory as it stands; a failure to write it is a warning. */
function sweepReport(sweepDir: string): string | undefined {
  try {
    return writeReport([sweepDir]).file;
  } catch (error) {
    process.stderr.write(`warning: could not write the sweep's report: ${(error as Error).message}\n`);
    return undefined;
  }
}

function newRecord(opened: OpenedSweep, sweepDir: string, overrides: string[], plugins: string[], concurrency: number): SweepRecord {
  const now = new Date().toISOString();
  return {
    version: 1,
    sweepId: sweepDir.split(/[\\/]/).at(-1)!,
    name: opened.loaded.experiment.name,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    specFile: opened.specFile,
    baseFile: opened.baseFile,
    overrides,
    plugins,
    fingerprint: opened.fingerprint,
    spec: opened.spec,
    concurrency,
    trials: [],
  };
}

function createReporter(record: SweepRecord, quiet: boolean | undefined): SweepReporter {
  if (quiet) return new SweepLineReporter(record, () => undefined);
  return process.stderr.isTTY ? new SweepTableReporter(record) : new SweepLineReporter(record);
}

/** Ctrl-C once: stop proposing, trials end KILLED at their next step; twice: kill them; three times: exit now. */
function interruptSweep(executor: SweepExecutor, reporter: SweepReporter): Interrupt {
  return handleInterrupts([
    () => reporter.message('interrupt: stopping the running trials at their next step (Ctrl-C again to kill them)'),
    () => {
      reporter.message('second interrupt: killing the running trials');
      executor.forceStop();
    },
  ]);
}
