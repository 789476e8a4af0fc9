// Replays what a run's journal (events.jsonl) holds and MLflow does not, from the `deliveredSeq` in its mlflow.json,
// with the live tracker's own delivery code. Idempotent: a synced run gets nothing more, a partly synced one is
// completed in the MLflow run it already has.
import { UserError } from '../../errors.js';
import type { WarnSink } from '../../plugins/run-services.js';
import { readJournal } from '../run-journal.js';
import type { MlflowClient } from './mlflow-client.js';
import { MlflowRunDelivery, type DeliveryTarget } from './mlflow-run-delivery.js';
import { readMlflowState } from './mlflow-sync-state.js';
import { lastHeartbeat, runProcessGone } from '../heartbeat.js';

export interface MlflowSyncResult {
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

/** When a run that has not ended died (its last heartbeat), if it did. */
function diedAt(runDir: string): number | undefined {
  if (readJournal(runDir).some((event) => event.type === 'run-ended') || !runProcessGone(runDir)) return undefined;
  return lastHeartbeat(runDir) ?? Date.now();
}

export async function syncMlflowRun(runDir: string, client: MlflowClient, target: DeliveryTarget, log?: WarnSink): Promise<MlflowSyncResult> {
  const totalEvents = readJournal(runDir).length;
  const saved = readMlflowState(runDir);
  try {
    const delivery = MlflowRunDelivery.open(client, runDir, target, log);
    const sent = await delivery.deliverJournal();
    // A run that never ended and whose process is gone stays RUNNING in MLflow unless it is said to be dead.
    const died = diedAt(runDir);
    if (died !== undefined && delivery.deliveredSeq > 0) await delivery.markDied(died);
    return { runDir, sent, deliveredSeq: delivery.deliveredSeq, totalEvents, trackingUri: client.trackingUri, experimentId: delivery.experimentId, mlflowRunId: delivery.mlflowRunId };
  } catch (error) {
    if (error instanceof UserError && !saved) throw error;
    const state = readMlflowState(runDir);
    const sent = (state?.deliveredSeq ?? 0) - (saved?.deliveredSeq ?? 0);
    return { runDir, sent, deliveredSeq: state?.deliveredSeq ?? 0, totalEvents, trackingUri: state?.trackingUri ?? client.trackingUri, mlflowRunId: state?.runId, error: error instanceof Error ? error.message : String(error) };
  }
}
