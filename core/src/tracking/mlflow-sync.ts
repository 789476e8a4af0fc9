// `distill sync`: sends to MLflow whatever part of local runs it does not have yet, replaying each run's journal
// (events.jsonl) from the `deliveredSeq` in its mlflow.json with the tracker's own delivery code. Idempotent: a
// synced run gets nothing more, a partly synced one is completed in the MLflow run it already has.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { EVENTS_FILE, readJournal } from './run-journal.js';
import { MlflowClient } from './mlflow/mlflow-client.js';
import { resolveMlflowConfig, type MlflowConfigOverrides } from './mlflow/mlflow-config.js';
import { MlflowRunDelivery, type DeliveryLog } from './mlflow/mlflow-run-delivery.js';
import { readMlflowState } from './mlflow/mlflow-sync-state.js';

export interface SyncOptions {
  /** Wins over MLFLOW_TRACKING_URI and over the server recorded in the run's mlflow.json. */
  readonly trackingUri?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: DeliveryLog;
  /** Client settings (retries, timeout) over those of the environment. */
  readonly client?: MlflowConfigOverrides;
}

export interface SyncResult {
  readonly runDir: string;
  /** Events sent by this sync. */
  readonly sent: number;
  readonly deliveredSeq: number;
  readonly totalEvents: number;
  readonly trackingUri?: string;
  readonly experimentId?: string;
  readonly mlflowRunId?: string;
  readonly error?: string;
}

/** The run directories `target` names: itself when it holds a journal, else its sub-directories that do. */
export function findRunDirs(target: string): string[] {
  const dir = resolve(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${target} is not a directory`);
  if (existsSync(join(dir, EVENTS_FILE))) return [dir];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory() && existsSync(join(path, EVENTS_FILE)))
    .sort();
}

export async function syncRuns(target: string, options: SyncOptions = {}): Promise<SyncResult[]> {
  const runDirs = findRunDirs(target);
  if (runDirs.length === 0) throw new UserError(`no distill runs in ${target} (a run directory holds ${EVENTS_FILE})`);
  const results: SyncResult[] = [];
  for (const runDir of runDirs) results.push(await syncRun(runDir, options));
  return results;
}

export async function syncRun(runDir: string, options: SyncOptions = {}): Promise<SyncResult> {
  const env = options.env ?? process.env;
  const totalEvents = readJournal(runDir).length;
  const saved = readMlflowState(runDir);
  try {
    const trackingUri = options.trackingUri ?? (env.MLFLOW_TRACKING_URI || undefined) ?? saved?.trackingUri;
    const client = new MlflowClient(resolveMlflowConfig({ ...options.client, trackingUri }, env));
    const delivery = MlflowRunDelivery.open(client, runDir, {
      experimentName: env.MLFLOW_EXPERIMENT_NAME || undefined,
      experimentId: env.MLFLOW_EXPERIMENT_NAME ? undefined : env.MLFLOW_EXPERIMENT_ID || undefined,
    }, options.log);
    const sent = await delivery.deliverJournal();
    return { runDir, sent, deliveredSeq: delivery.deliveredSeq, totalEvents, trackingUri: client.trackingUri, experimentId: delivery.experimentId, mlflowRunId: delivery.mlflowRunId };
  } catch (error) {
    if (error instanceof UserError && !saved && !options.trackingUri && !env.MLFLOW_TRACKING_URI) throw error;
    const state = readMlflowState(runDir);
    const sent = (state?.deliveredSeq ?? 0) - (saved?.deliveredSeq ?? 0);
    return { runDir, sent, deliveredSeq: state?.deliveredSeq ?? 0, totalEvents, trackingUri: state?.trackingUri, mlflowRunId: state?.runId, error: error instanceof Error ? error.message : String(error) };
  }
}
