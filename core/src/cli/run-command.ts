// `distill run <manifest>`: validate, train (teacher stage when needed, student, baseline), evaluate, record.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { runExperiment } from '../run/run-experiment.js';
import { createRunLog } from '../run/run-logger.js';
import { createProgressReporter } from './progress-reporter.js';
import { silentProgress } from '../run/progress.js';
import { formatSummaryTable } from './summary-table.js';
import { TrainingCache } from '../run/cache/training-cache.js';
import { resolveTrackingTarget } from '../tracking/tracking-target.js';
import { addManifestOptions, addThreadsOption, overridesOf, type ManifestOptions } from './manifest-options.js';
import { handleInterrupts } from './interrupts.js';
import { REPORT_FILE, writeReport } from '../report/write-report.js';

interface RunOptions extends ManifestOptions {
  out: string;
  trackingUri?: string;
  cache?: boolean;
  quiet?: boolean;
  json?: boolean;
  report?: boolean;
  registerModel?: string;
}

export function register(command: Command): void {
  command
    .argument('<manifest>', 'experiment manifest (JSON)');
  addThreadsOption(addManifestOptions(command))
    .option('--out <dir>', 'directory that receives the run directory', 'runs')
    .option('--tracking-uri <uri>', 'log the run to this MLflow server (also: MLFLOW_TRACKING_URI)')
    .option('--cache', 'reuse the teacher and the baseline trained earlier with the same configuration (in $DISTILL_CACHE_DIR or .distill-cache)')
    .option('--quiet', 'no progress or info lines on stderr (warnings still show)')
    .option('--json', 'print summary.json to stdout instead of the table')
    .option('--report', 'write an HTML report of the run (report.html in the run directory) when it ends')
    .option('--register-model <name>', 'register the shipped student (the first exported variant, else the student) as a new version of this model in the MLflow Model Registry')
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await runCommand(file, options);
    });
}

async function runCommand(file: string, options: RunOptions): Promise<number> {
  const { host, manifest: loaded } = await openManifest(file, { overrides: overridesOf(options), cliPlugins: options.plugin ?? [] });
  const log = createRunLog(undefined, options.quiet);
  const progress = createProgressReporter(log, !options.quiet && Boolean(process.stderr.isTTY));
  const interrupt = handleInterrupts([() => log.warn('interrupt received: ending the run at the next step (press Ctrl-C again to force)')]);
  try {
    const outcome = await runExperiment({
      loaded,
      host,
      outDir: resolve(options.out),
      log,
      progress: options.quiet ? silentProgress : progress,
      tracking: resolveTrackingTarget(
        { manifest: loaded.namesTracker ? loaded.experiment.tracking : undefined, trackingUri: options.trackingUri, environment: process.env },
        host.registries.tracker,
      ),
      signal: interrupt.signal,
      trainingCache: options.cache ? TrainingCache.fromEnvironment() : undefined,
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

/** `report: <path>`, when the run's report was written (a failure to write it was logged as a warning). */
function reportLine(runDir: string): string | undefined {
  const file = join(runDir, REPORT_FILE);
  return existsSync(file) ? `report: ${file}\n` : undefined;
}
