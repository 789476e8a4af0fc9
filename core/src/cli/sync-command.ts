// `distill sync <runDir | sweepDir | runsDir>`: sends to the tracker each run is recorded with (MLflow) what it has not
// received yet. Safe to repeat. A sweep directory's runs are its trials, followed by the sweep's own record in its
// tracker (the MLflow parent run); its `teacher/` is not a run.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { stderrWarnings } from '../plugins/run-services.js';
import { findRunsAndSweeps } from '../sweep/find-runs-and-sweeps.js';
import { syncSweepRecord } from '../sweep/sync-sweep-record.js';
import { syncRun, type RunSyncResult, type SyncOptions } from '../tracking/sync-runs.js';

export function register(command: Command): void {
  command
    .argument('<dir>', 'a run directory, a sweep directory, or a directory of runs and sweeps (e.g. runs/, sweeps/)')
    .option('--tracking-uri <uri>', 'MLflow server (default: the server each run was sent to, else MLFLOW_TRACKING_URI)')
    .action(async (dir: string, options: { trackingUri?: string }) => {
      const { runDirs, sweeps } = findRunsAndSweeps(dir);
      if (runDirs.length === 0 && sweeps.length === 0) throw new UserError(`no distill runs in ${dir} (a run directory holds events.jsonl, a sweep directory sweep.json)`);
      const services = { environment: process.env, warnings: stderrWarnings };
      const syncOptions: SyncOptions = { host: await createPluginHost(), trackingUri: options.trackingUri, ...services };
      let failed = false;
      const sync = async (runDir: string, indent = '') => {
        const result = await syncRun(runDir, syncOptions);
        failed ||= result.error !== undefined;
        process.stdout.write(`${indent}${describe(result)}\n`);
      };
      for (const runDir of runDirs) await sync(runDir);
      for (const sweep of sweeps) {
        process.stdout.write(`sweep ${sweep.record.sweepId} (${sweep.dir}): ${sweep.runDirs.length} trial run${sweep.runDirs.length === 1 ? '' : 's'}\n`);
        for (const runDir of sweep.runDirs) await sync(runDir, '  ');
        const record = await syncSweepRecord(sweep, syncOptions.host, services);
        failed ||= record.error === true;
        process.stdout.write(`  ${record.line}\n`);
      }
      if (failed) process.exitCode = 1;
    });
}

function describe(result: RunSyncResult): string {
  const id = basename(result.runDir);
  if (result.error) return `${id}: not synced${result.total === undefined ? '' : ` (${result.delivered}/${result.total} events in ${result.tracker})`}: ${result.error}`;
  return result.sent === 0 ? `${id}: already in sync (${result.location})` : `${id}: sent ${result.sent} events (${result.location})`;
}
