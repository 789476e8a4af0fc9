// `distill sync` for one run: hands it to the tracker it is recorded with (or the one `--tracking-uri` or the
// environment names, for a run recorded only locally), whose `sync` capability sends what it does not have yet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { Environment, WarnSink } from '../plugins/run-services.js';
import type { SyncReport } from '../plugins/tracker-plugin.js';
import { DEFAULT_TRACKER, resolveTrackingTarget } from './tracking-target.js';

export interface SyncOptions {
  readonly host: PluginHost;
  /** Wins over the tracker a run is recorded with and over the environment. */
  readonly trackingUri?: string;
  readonly environment: Environment;
  readonly warnings: WarnSink;
}

export interface RunSyncResult extends Partial<SyncReport> {
  readonly runDir: string;
  /** The tracker the run was sent to. */
  readonly tracker: string;
  readonly error?: string;
}

export async function syncRun(runDir: string, options: SyncOptions): Promise<RunSyncResult> {
  const recorded = recordedTracking(runDir);
  // A run recorded only locally goes where the flag or the environment says; any other goes where it was recorded.
  const manifest = recorded && recorded.type !== DEFAULT_TRACKER ? recorded : undefined;
  const target = resolveTrackingTarget({ manifest, trackingUri: options.trackingUri, environment: options.environment }, options.host.registries.tracker);
  const context = { manifestDir: runDir, seed: 0, pointer: '/tracking' };
  const tracker = await options.host.registries.tracker.build(target.type, target.params, context, { environment: options.environment, warnings: options.warnings });
  if (!tracker.sync) {
    const error = target.type === DEFAULT_TRACKER
      ? 'recorded locally only; give --tracking-uri (or set the tracking URI variable, e.g. MLFLOW_TRACKING_URI) to send it'
      : `the ${target.type} tracker cannot send a run later`;
    return { runDir, tracker: target.type, error };
  }
  return { runDir, tracker: target.type, ...(await tracker.sync(runDir)) };
}

/** The tracking the run recorded in manifest.resolved.json (what it actually used). */
export function recordedTracking(runDir: string): { type: string; params?: Record<string, unknown> } | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.resolved.json'), 'utf8')) as { tracking?: { type?: unknown; params?: unknown } };
    const tracking = manifest.tracking;
    if (!tracking || typeof tracking.type !== 'string') return undefined;
    return { type: tracking.type, ...(tracking.params && typeof tracking.params === 'object' ? { params: tracking.params as Record<string, unknown> } : {}) };
  } catch {
    return undefined;
  }
}
