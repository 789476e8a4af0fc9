// `distill run <manifest>`: validate, train (teacher stage when needed, student, baseline), evaluate, record.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { runExperiment } from '../run/run-experiment.js';
import { createRunLog } from '../run/run-logger.js';
import { createProgressReporter } from './progress-reporter.js';
import { silentProgress } from '../run/progress.js';
import { formatSummaryTable } from './summary-table.js';
import { TrainingCache } from '../run/cache/training-cache.js';
import { resolveTrackingTarget } from '../tracking/tracking-target.js';
import { recordedTracking } from '../tracking/sync-runs.js';
import { PROCESS_FILE, runProcessGone } from '../tracking/heartbeat.js';
import { addManifestOptions, addThreadsOption, overridesOf, type ManifestOptions } from './manifest-options.js';
import { handleInterrupts } from './interrupts.js';
import { REPORT_FILE, writeReport } from '../report/write-report.js';
import { UserError } from '../errors.js';
import { EVENTS_FILE } from '../tracking/run-journal.js';
import { flattenManifest } from '../run/flatten-manifest.js';
import { redactDeep } from '../secrets/redact.js';
import { finishedStatus, latestCheckpoint, manifestChanges } from '../run/checkpoints/resume-point.js';
import { SWEEP_FILE } from '../sweep/sweep-record.js';

interface RunOptions extends ManifestOptions {
  out: string;
  trackingUri?: string;
  cache?: boolean;
  quiet?: boolean;
  json?: boolean;
  report?: boolean;
  registerModel?: string;
  resume?: string;
  allowChanged?: boolean;
}

export function register(command: Command): void {
  command
    .argument('[manifest]', 'experiment manifest (JSON); with --resume, default: the one the run was started with');
  addThreadsOption(addManifestOptions(command))
    .option('--out <dir>', 'directory that receives the run directory', 'runs')
    .option('--tracking-uri <uri>', 'log the run to this MLflow server (also: MLFLOW_TRACKING_URI)')
    .option('--cache', 'reuse the teacher and the baseline trained earlier with the same configuration (in $DISTILL_CACHE_DIR or .distill-cache)')
    .option('--quiet', 'no progress or info lines on stderr (warnings still show)')
    .option('--json', 'print summary.json to stdout instead of the table')
    .option('--report', 'write an HTML report of the run (report.html in the run directory) when it ends')
    .option('--register-model <name>', 'register the shipped student (the first exported variant, else the student) as a new version of this model in the MLflow Model Registry')
    .option('--resume <runDir>', 'continue an interrupted run from its last checkpoint (same manifest, same results)')
    .option('--allow-changed', 'with --resume: continue even though the manifest changed (the changes are recorded)')
    .action(async (file: string | undefined, options: RunOptions) => {
      process.exitCode = await runCommand(file, options);
    });
}

async function runCommand(file: string | undefined, options: RunOptions): Promise<number> {
  const log = createRunLog(undefined, options.quiet);
  const resuming = options.resume ? await resumePoint(resolve(options.resume), file, options, log) : undefined;
  if (resuming === 'finished') return 0;
  if (!file && !resuming) throw new UserError('missing the manifest', { hint: 'distill run <manifest>, or distill run --resume <runDir>' });
  const invocation = resuming?.invocation ?? { manifest: resolve(file!), overrides: overridesOf(options), plugins: (options.plugin ?? []).map((p) => (p.startsWith('.') ? resolve(p) : p)), cache: Boolean(options.cache) };
  const { host, manifest: loaded } = resuming?.opened ?? (await openManifest(invocation.manifest, { overrides: [...invocation.overrides], cliPlugins: [...invocation.plugins] }));
  const progress = createProgressReporter(log, !options.quiet && Boolean(process.stderr.isTTY));
  const interrupt = handleInterrupts([() => log.warn('interrupt received: ending the run at the next step (press Ctrl-C again to force)')]);
  try {
    const outcome = await runExperiment({
      loaded,
      host,
      outDir: resuming ? dirname(resuming.runDir) : resolve(options.out),
      ...(resuming ? { runId: basename(resuming.runDir), resume: { checkpoint: resuming.checkpoint, changes: resuming.changes } } : {}),
      checkpoints: { invocation },
      log,
      progress: options.quiet ? silentProgress : progress,
      tracking: resolveTrackingTarget(
        // A resumed run goes on being recorded where it was (unless --tracking-uri or the environment says otherwise).
        { manifest: (resuming && recordedTracking(resuming.runDir)) || (loaded.namesTracker ? loaded.experiment.tracking : undefined), trackingUri: options.trackingUri, environment: process.env },
        host.registries.tracker,
      ),
      signal: interrupt.signal,
      trainingCache: invocation.cache ? TrainingCache.fromEnvironment() : undefined,
      // Written before the run ends, so the trackers get it as an artifact (MLflow uploads it).
      finalArtifacts: options.report ? async (runDir) => [writeReport([runDir]).file] : undefined,
      registerModel: options.registerModel,
    });
    const report = options.report ? reportLine(outcome.runDir) : undefined;
    if (options.json) process.stdout.write(`${JSON.stringify(outcome.summary, null, 2)}\n`);
    else if (outcome.summary.status === 'FINISHED') process.stdout.write(`${formatSummaryTable(outcome.summary)}\nrun directory: ${outcome.runDir}\n${report ?? ''}`);
    else process.stderr.write(`run ${outcome.summary.status}: ${outcome.summary.error ?? ''}\nrun directory: ${outcome.runDir}\n${report ?? ''}`);
    if (options.json && report) process.stderr.write(report);
    return outcome.exitCode;
  } finally {
    interrupt.dispose();
  }
}

type ResumePoint = {
  readonly runDir: string;
  readonly checkpoint: ReturnType<typeof latestCheckpoint>;
  readonly invocation: ReturnType<typeof latestCheckpoint>['meta']['invocation'];
  readonly opened: Awaited<ReturnType<typeof openManifest>>;
  readonly changes: readonly string[];
};

/**
 * What `--resume <runDir>` continues: the run's newest readable checkpoint, with the manifest it was started with
 * (or the one given) opened again and compared with the checkpoint's; 'finished' when there is nothing to do.
 */
async function resumePoint(runDir: string, file: string | undefined, options: RunOptions, log: { warn(message: string): void }): Promise<ResumePoint | 'finished'> {
  if (!existsSync(join(runDir, EVENTS_FILE))) throw new UserError(`${options.resume} is not a run directory (it has no ${EVENTS_FILE})`);
  const status = finishedStatus(runDir);
  if (status === 'FINISHED') {
    process.stderr.write(`run ${basename(runDir)} already finished; nothing to resume (its results are in ${join(runDir, 'summary.json')})\n`);
    return 'finished';
  }
  if (existsSync(join(runDir, PROCESS_FILE)) && !runProcessGone(runDir)) {
    const { pid } = JSON.parse(readFileSync(join(runDir, PROCESS_FILE), 'utf8')) as { pid?: unknown };
    throw new UserError(`run ${basename(runDir)} is still running (process ${String(pid)}); two processes cannot train one run`, { hint: 'stop it first (Ctrl-C), then resume it' });
  }
  const checkpoint = latestCheckpoint(runDir, log);
  const recorded = checkpoint.meta.invocation;
  if (recorded.sweepId) {
    const sweepDir = dirname(dirname(runDir));
    const where = existsSync(join(sweepDir, SWEEP_FILE)) ? sweepDir : '<sweepDir>';
    throw new UserError(`run ${basename(runDir)} is a trial of sweep ${recorded.sweepId}: the sweep continues it from its checkpoint`, { hint: `distill sweep --resume ${where}` });
  }
  const invocation = {
    ...recorded,
    ...(file ? { manifest: resolve(file) } : {}),
    ...(options.set || options.threads !== undefined ? { overrides: overridesOf(options) } : {}),
    ...(options.plugin ? { plugins: options.plugin.map((p) => (p.startsWith('.') ? resolve(p) : p)) } : {}),
  };
  if (!existsSync(invocation.manifest)) {
    throw new UserError(`the manifest the run was started with, ${invocation.manifest}, is gone`, { hint: `give it: distill run <manifest> --resume ${options.resume}` });
  }
  const opened = await openManifest(invocation.manifest, { overrides: [...invocation.overrides], cliPlugins: [...invocation.plugins] });
  // The checkpoint holds the params redacted, as every run file does: compared as such.
  const changes = manifestChanges(checkpoint.meta.params, redactDeep(flattenManifest(opened.manifest.experiment)));
  if (changes.length > 0 && !options.allowChanged) {
    throw new UserError(`cannot resume ${options.resume}: the manifest changed since the run started:\n  ${changes.join('\n  ')}`, {
      hint: 'restore the manifest, or pass --allow-changed to continue anyway (the changes are recorded in the run)',
    });
  }
  return { runDir, checkpoint, invocation, opened, changes };
}

/** `report: <path>`, when the run's report was written (a failure to write it was logged as a warning). */
function reportLine(runDir: string): string | undefined {
  const file = join(runDir, REPORT_FILE);
  return existsSync(file) ? `report: ${file}\n` : undefined;
}
