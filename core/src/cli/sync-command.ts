// `distill sync <runDir | runsDir>`: sends to MLflow what local runs have not delivered yet. Safe to repeat.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { syncRuns, type SyncResult } from '../tracking/mlflow-sync.js';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('send to MLflow whatever local runs have not delivered yet (idempotent: nothing is sent twice)')
    .argument('<dir>', 'a run directory, or a directory of runs (e.g. runs/)')
    .option('--tracking-uri <uri>', 'MLflow server (default: MLFLOW_TRACKING_URI, else the server each run was sent to)')
    .action(async (dir: string, options: { trackingUri?: string }) => {
      const results = await syncRuns(dir, {
        trackingUri: options.trackingUri,
        log: { warn: (message) => process.stderr.write(`warning: ${message}\n`) },
      });
      for (const result of results) process.stdout.write(`${describe(result)}\n`);
      if (results.some((result) => result.error)) process.exitCode = 1;
    });
}

function describe(result: SyncResult): string {
  const id = basename(result.runDir);
  if (result.error) return `${id}: not synced (${result.deliveredSeq}/${result.totalEvents} events in MLflow): ${result.error}`;
  const where = result.mlflowRunId ? `${result.trackingUri}/#/experiments/${result.experimentId}/runs/${result.mlflowRunId}` : result.trackingUri;
  return result.sent === 0 ? `${id}: already in sync (${where})` : `${id}: sent ${result.sent} events (${where})`;
}
