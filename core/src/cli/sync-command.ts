// `distill sync <runDir | sweepDir | runsDir>`: sends to MLflow what local runs have not delivered yet. Safe to
// repeat. A sweep directory's runs are its trials, followed by the sweep's parent run; its `teacher/` is not a run.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { findRunsAndSweeps } from '../sweep/find-runs-and-sweeps.js';
import { syncSweepParent } from '../sweep/sync-sweep-parent.js';
import { syncRun, type SyncOptions, type SyncResult } from '../tracking/mlflow-sync.js';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('send to MLflow whatever local runs have not delivered yet (idempotent: nothing is sent twice)')
    .argument('<dir>', 'a run directory, a sweep directory, or a directory of runs and sweeps (e.g. runs/, sweeps/)')
    .option('--tracking-uri <uri>', 'MLflow server (default: MLFLOW_TRACKING_URI, else the server each run was sent to)')
    .action(async (dir: string, options: { trackingUri?: string }) => {
      const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
      const syncOptions: SyncOptions = { trackingUri: options.trackingUri, log: { warn } };
      const { runDirs, sweeps } = findRunsAndSweeps(dir);
      if (runDirs.length === 0 && sweeps.length === 0) throw new UserError(`no distill runs in ${dir} (a run directory holds events.jsonl, a sweep directory sweep.json)`);
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
        const parent = await syncSweepParent(sweep, warn);
        failed ||= parent.error === true;
        process.stdout.write(`  ${parent.line}\n`);
      }
      if (failed) process.exitCode = 1;
    });
}

function describe(result: SyncResult): string {
  const id = basename(result.runDir);
  if (result.error) return `${id}: not synced (${result.deliveredSeq}/${result.totalEvents} events in MLflow): ${result.error}`;
  const where = result.mlflowRunId ? `${result.trackingUri}/#/experiments/${result.experimentId}/runs/${result.mlflowRunId}` : result.trackingUri;
  return result.sent === 0 ? `${id}: already in sync (${where})` : `${id}: sent ${result.sent} events (${where})`;
}
