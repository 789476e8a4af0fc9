// `distill sync <runDir | runsDir>`: sends to the tracker each run is recorded with (MLflow) what it has not
// received yet. Safe to repeat.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { stderrWarnings } from '../plugins/run-services.js';
import { syncRuns, type RunSyncResult } from '../tracking/sync-runs.js';

export function register(command: Command): void {
  command
    .argument('<dir>', 'a run directory, or a directory of runs (e.g. runs/)')
    .option('--tracking-uri <uri>', 'MLflow server (default: the server each run was sent to, else MLFLOW_TRACKING_URI)')
    .action(async (dir: string, options: { trackingUri?: string }) => {
      const results = await syncRuns(dir, {
        host: await createPluginHost(),
        trackingUri: options.trackingUri,
        environment: process.env,
        warnings: stderrWarnings,
      });
      for (const result of results) process.stdout.write(`${describe(result)}\n`);
      if (results.some((result) => result.error)) process.exitCode = 1;
    });
}

function describe(result: RunSyncResult): string {
  const id = basename(result.runDir);
  if (result.error) return `${id}: not synced${result.total === undefined ? '' : ` (${result.delivered}/${result.total} events in ${result.tracker})`}: ${result.error}`;
  return result.sent === 0 ? `${id}: already in sync (${result.location})` : `${id}: sent ${result.sent} events (${result.location})`;
}
