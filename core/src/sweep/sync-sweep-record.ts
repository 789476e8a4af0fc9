// `distill sync` on a sweep: after its trials, the sweep's record in its tracker (MLflow: the parent run). A sweep that
// ended while the tracker was unreachable left that record unfinished; the tracker's `syncSweep` capability completes
// it as the sweep would have at its end (the best trial, `trials.csv`, `sweep.json`, the final status).
import type { PluginHost } from '../plugins/plugin-host.js';
import type { Environment, WarnSink } from '../plugins/run-services.js';
import type { SweepSyncReport } from '../plugins/tracker-plugin.js';
import type { SweepDir } from './find-runs-and-sweeps.js';
import { sweepInfo, sweepProgress } from './sweep-tracking.js';

export async function syncSweepRecord(
  { dir, record }: SweepDir,
  host: PluginHost,
  services: { readonly environment: Environment; readonly warnings: WarnSink },
): Promise<SweepSyncReport> {
  const name = `sweep ${record.sweepId}`;
  const recorded = record.tracking;
  if (!recorded) return { line: `${name}: no record in a tracker (tracking was local, or the tracker could not be reached when it started)` };
  if (record.status === 'running') return { line: `${name}: still running, or its coordinator stopped (distill sweep --resume ${dir}); its record is left as it is` };
  try {
    const tracker = await host.registries.tracker.build(recorded.type, recorded.params, { manifestDir: dir, seed: 0, pointer: '/tracking' }, services);
    if (!tracker.syncSweep) return { line: `${name}: the ${recorded.type} tracker keeps no record of sweeps to complete` };
    return await tracker.syncSweep(sweepInfo(record), recorded.state, sweepProgress(record, dir));
  } catch (error) {
    services.warnings.warn(`${name}: ${(error as Error).message}`);
    return { line: `${name}: not synced: ${(error as Error).message}`, error: true };
  }
}
