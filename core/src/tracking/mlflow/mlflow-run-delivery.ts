// Sends a run's journal events to MLflow, in `seq` order, recording progress in `mlflow.json` after each success.
// The one delivery path: the `mlflow` tracker uses it live and `distill sync` uses it to replay what is missing.
//
// Exactly once: every step is safe to repeat after a crash or a lost answer. Metrics: MLflow's SQL store ignores an
// exact duplicate (key, value, timestamp, step); params: re-logging the same value is a no-op; tags are
// last-write-wins; artifacts overwrite; the status update is idempotent; and a run is created only after searching
// for one tagged `distill.runId` = the local run id, so a create whose answer was lost is found, not repeated.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { DatasetEvent, ModelEvent, RecordedEvent } from '../../plugins/tracker-plugin.js';
import type { WarnSink } from '../../plugins/run-services.js';
import { UserError } from '../../errors.js';
import { readJournal } from '../run-journal.js';
import type { MlflowClient } from './mlflow-client.js';
import type { MlflowKeyValue, MlflowMetric, MlflowRunInfo } from './mlflow-types.js';
import { MlflowRestError, RESOURCE_DOES_NOT_EXIST, isMlflowRestError } from './mlflow-rest-error.js';
import { backoffSeconds } from './retry-policy.js';
import { readMlflowState, writeMlflowState, type MlflowSyncState } from './mlflow-sync-state.js';
import { runStartTags } from './run-start-tags.js';

/** The tag that ties an MLflow run to its local run directory. */
export const DISTILL_RUN_ID_TAG = 'distill.runId';
/** The error of a FAILED run, also appended to the run's description (`mlflow.note.content`). */
export const DISTILL_ERROR_TAG = 'distill.error';
/** MLflow's "Default" experiment, used when no experiment is configured (as MLflow's own client does). */
export const DEFAULT_EXPERIMENT_ID = '0';

// Consecutive params/tags/metrics events go out together; progress is saved after each group.
const ENTITIES_PER_GROUP = 5000;
const TEXT_EXTENSIONS = new Set(['.json', '.jsonl', '.log', '.txt', '.yaml', '.yml', '.md', '.csv']);

export interface DeliveryTarget {
  readonly experimentName?: string;
  readonly experimentId?: string;
  readonly runName?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

type RunStarted = Extract<RecordedEvent, { type: 'run-started' }>;
type DataEvent = Extract<RecordedEvent, { type: 'params' | 'tags' | 'metrics' }>;

/** Thrown when the events handed over do not continue where the delivery stands (the journal has the missing ones). */
export class JournalGapError extends Error {
  constructor(expected: number, got: number) {
    super(`expected event ${expected}, got ${got}`);
    this.name = 'JournalGapError';
  }
}

export class MlflowRunDelivery {
  private runInfo: MlflowRunInfo | undefined;
  private start: RunStarted | undefined;

  private constructor(
    private readonly client: MlflowClient,
    readonly runDir: string,
    private state: MlflowSyncState,
    private readonly log: WarnSink,
  ) {}

  /**
   * Opens the delivery of the run in `runDir`, continuing from its `mlflow.json` when there is one. `target` fills in
   * what `mlflow.json` does not already say (the configuration the run started with wins).
   */
  static open(client: MlflowClient, runDir: string, target: DeliveryTarget = {}, log: WarnSink = { warn: () => undefined }): MlflowRunDelivery {
    const saved = readMlflowState(runDir);
    if (saved?.runId && saved.trackingUri !== client.trackingUri) {
      throw new UserError(`run ${runDir} is tracked in MLflow at ${saved.trackingUri} (run ${saved.runId}), not at ${client.trackingUri}`, {
        hint: `sync it there: distill sync ${runDir} --tracking-uri ${saved.trackingUri}`,
      });
    }
    const state: MlflowSyncState = {
      deliveredSeq: 0,
      ...saved,
      trackingUri: client.trackingUri,
      experimentName: saved?.experimentName ?? target.experimentName,
      configuredExperimentId: saved?.configuredExperimentId ?? target.experimentId,
      runName: saved?.runName ?? target.runName,
      extraTags: saved?.extraTags ?? target.tags,
      updatedAt: saved?.updatedAt ?? new Date().toISOString(),
    };
    return new MlflowRunDelivery(client, runDir, state, log);
  }

  get deliveredSeq(): number {
    return this.state.deliveredSeq;
  }

  get mlflowRunId(): string | undefined {
    return this.state.runId;
  }

  get experimentId(): string | undefined {
    return this.state.experimentId;
  }

  /** Records where and how the run will be created, before any request: a later sync then creates it the same way. */
  prepare(start: RunStarted): void {
    this.start = start;
    if (this.state.startTags) return;
    const runName = this.state.runName ?? start.name;
    this.save({ startTags: runStartTags({ runName, description: start.description, source: start.source }) });
  }

  /** A resumed run: the MLflow run it already has (when it has one) is RUNNING again. */
  async reopen(signal?: AbortSignal): Promise<void> {
    if (!this.state.runId) return;
    await this.ensureRun(signal);
    await this.client.updateRun({ runId: this.runInfo!.run_id, status: 'RUNNING' }, { signal });
  }

  /** A run whose process died before it ended: its MLflow run is KILLED, ended when its heartbeat stopped. */
  async markDied(endTime: number, signal?: AbortSignal): Promise<void> {
    await this.ensureRun(signal);
    await this.client.logBatch(this.runInfo!.run_id, { tags: [{ key: DISTILL_ERROR_TAG, value: 'the run\'s process died; resume it with distill run --resume' }] }, { signal });
    await this.client.updateRun({ runId: this.runInfo!.run_id, status: 'KILLED', endTime }, { signal });
  }

  /** Delivers everything in the journal after `deliveredSeq`; returns how many events were sent. */
  async deliverJournal(signal?: AbortSignal): Promise<number> {
    return this.deliver(readJournal(this.runDir).filter((event) => event.seq > this.state.deliveredSeq), signal);
  }

  /** Delivers `events` (those after `deliveredSeq`, which must follow it without a gap); returns how many were sent. */
  async deliver(events: readonly RecordedEvent[], signal?: AbortSignal): Promise<number> {
    const pending = events.filter((event) => event.seq > this.state.deliveredSeq);
    if (pending.length === 0) return 0;
    if (pending[0].seq !== this.state.deliveredSeq + 1) throw new JournalGapError(this.state.deliveredSeq + 1, pending[0].seq);
    try {
      for (let i = 0; i < pending.length; ) {
        signal?.throwIfAborted();
        const event = pending[i];
        if (event.type === 'run-started') {
          this.start = event;
          await this.ensureRun(signal);
          this.advance(event.seq);
          i++;
          continue;
        }
        await this.ensureRun(signal);
        if (event.type === 'artifact') {
          await this.uploadArtifact(event.path, signal);
          this.advance(event.seq);
          i++;
        } else if (event.type === 'model' || event.type === 'dataset') {
          await (event.type === 'model' ? this.logModel(event, event.seq, signal) : this.logDataset(event, signal));
          this.advance(event.seq);
          i++;
        } else if (event.type === 'run-ended') {
          await this.endRun(event, signal);
          this.advance(event.seq);
          i++;
        } else {
          const group = takeDataGroup(pending, i);
          await this.logData(group, signal);
          this.advance(group[group.length - 1].seq);
          i += group.length;
        }
      }
    } catch (error) {
      if (!signal?.aborted) this.save({ lastError: this.client.redact(error instanceof Error ? error.message : String(error)) });
      throw error;
    }
    return pending.length;
  }

  // ---- the MLflow run ----

  private async ensureRun(signal?: AbortSignal): Promise<MlflowRunInfo> {
    if (this.runInfo) return this.runInfo;
    if (this.state.runId) {
      try {
        this.runInfo = (await this.client.getRun(this.state.runId, { signal })).info;
      } catch (error) {
        if (isMlflowRestError(error, RESOURCE_DOES_NOT_EXIST)) {
          throw new UserError(`MLflow run ${this.state.runId} recorded in ${join(this.runDir, 'mlflow.json')} does not exist on ${this.client.trackingUri}`);
        }
        throw error;
      }
      return this.runInfo;
    }
    const start = this.startEvent();
    const experimentId = await this.resolveExperiment(signal);
    const run = await this.findOrCreateRun(experimentId, start, signal);
    this.runInfo = run;
    this.save({ experimentId, runId: run.run_id, artifactUri: run.artifact_uri });
    return run;
  }

  private async resolveExperiment(signal?: AbortSignal): Promise<string> {
    if (this.state.experimentId) return this.state.experimentId;
    const { configuredExperimentId: id, experimentName: name } = this.state;
    if (id) {
      let experiment;
      try {
        experiment = await this.client.getExperiment(id, { signal });
      } catch (error) {
        if (isMlflowRestError(error, RESOURCE_DOES_NOT_EXIST)) throw new UserError(`MLflow experiment id ${id} does not exist on ${this.client.trackingUri}`);
        throw error;
      }
      if (name && experiment.name !== name) {
        throw new UserError(`MLflow experiment id ${id} is named "${experiment.name}", not "${name}"`, { hint: 'set only one of experimentName / MLFLOW_EXPERIMENT_NAME and MLFLOW_EXPERIMENT_ID' });
      }
      if (experiment.lifecycle_stage === 'deleted') throw new UserError(`MLflow experiment id ${id} is deleted`);
      return id;
    }
    if (name) return (await this.client.getOrCreateExperiment(name, { signal })).experiment_id;
    return DEFAULT_EXPERIMENT_ID;
  }

  // runs/create is not idempotent: it is sent without transport retries, and before each attempt the experiment is
  // searched for a run carrying this local run id (a previous attempt may have created it and lost the answer).
  private async findOrCreateRun(experimentId: string, start: RunStarted, signal?: AbortSignal): Promise<MlflowRunInfo> {
    const runName = this.state.runName ?? start.name;
    const tags = {
      ...(this.state.startTags ?? runStartTags({ runName, description: start.description, source: start.source })),
      ...this.redactedRecord(this.state.extraTags ?? {}),
      'mlflow.runName': runName,
      [DISTILL_RUN_ID_TAG]: start.runId,
    };
    const config = this.client.config;
    for (let failures = 1; ; failures++) {
      const existing = await this.client.searchRuns({
        experimentIds: [experimentId],
        filter: `tags.\`${DISTILL_RUN_ID_TAG}\` = '${start.runId.replace(/'/g, "\\'")}'`,
        maxResults: 1,
      }, { signal });
      if (existing.runs.length > 0) return existing.runs[0].info;
      try {
        return (await this.client.createRun({ experimentId, runName, startTime: start.startTime, tags }, { signal })).info;
      } catch (error) {
        if (!(error instanceof MlflowRestError) || !error.transient || failures > config.maxRetries || signal?.aborted) throw error;
        await delay(backoffSeconds(failures + 1, config.backoffFactor, config.backoffJitter) * 1000, undefined, { signal });
      }
    }
  }

  private startEvent(): RunStarted {
    this.start ??= readJournal(this.runDir).find((event): event is RunStarted => event.type === 'run-started');
    if (!this.start) throw new UserError(`${join(this.runDir, 'events.jsonl')} has no run-started event: not a distill run journal`);
    return this.start;
  }

  // ---- events ----

  private async logData(group: readonly DataEvent[], signal?: AbortSignal): Promise<void> {
    const params: MlflowKeyValue[] = [];
    const tags: MlflowKeyValue[] = [];
    const metrics: MlflowMetric[] = [];
    for (const event of group) {
      if (event.type === 'params') for (const [key, value] of Object.entries(event.params)) params.push({ key, value: this.client.redact(value) });
      if (event.type === 'tags') for (const [key, value] of Object.entries(event.tags)) tags.push({ key, value: this.client.redact(value) });
      if (event.type === 'metrics') for (const point of event.points) metrics.push({ key: point.key, value: point.value, step: point.step, timestamp: point.timestamp });
    }
    await this.client.logBatch(this.runInfo!.run_id, { params, tags, metrics }, { signal });
  }

  private async uploadArtifact(path: string, signal?: AbortSignal): Promise<void> {
    const local = join(this.runDir, path);
    if (!existsSync(local)) {
      this.log.warn(`artifact ${path} is not in ${this.runDir} any more; not uploaded to MLflow`);
      return;
    }
    for (const file of listFiles(local)) {
      const artifactPath = relative(this.runDir, file).split('\\').join('/');
      await this.client.uploadArtifact(this.runInfo!, artifactPath, this.redactedFile(file), { signal });
    }
  }

  /**
   * The dataset among the run's inputs. Runs logging the same dataset to one experiment at once (a sweep's trials) race
   * in MLflow's SQL store, which checks for the dataset, then inserts it: the loser's insert breaks the unique key and is
   * answered 400. The dataset exists then, so the same request, sent again, links it.
   */
  private async logDataset(event: DatasetEvent, signal?: AbortSignal): Promise<void> {
    const { name, digest, sourceType, source, schema, profile, context } = event;
    const send = () => this.client.logInputs(this.runInfo!.run_id, [{ dataset: { name, digest, source_type: sourceType, source, schema, profile }, context }], { signal });
    try {
      await send();
    } catch (error) {
      if (!(error instanceof MlflowRestError && error.status === 400 && /unique|integrity|duplicate/i.test(error.message))) throw error;
      await send();
    }
  }

  /**
   * A logged model of the run (MLflow 3): created once (when an earlier attempt may have created it, the model of this
   * run and name is looked for first), its files uploaded with an MLmodel file, its metrics linked and recorded as the
   * run's output (these at once: every one is safe to repeat), finalized READY and, when asked, registered as a new
   * version (again looked for first).
   */
  private async logModel(event: ModelEvent, seq: number, signal?: AbortSignal): Promise<void> {
    const run = this.runInfo!;
    const quote = (text: string) => `'${text.replace(/'/g, "\\'")}'`;
    const [found] = this.state.modelAttempted === seq
      ? await this.client.searchLoggedModels(
        { experimentIds: [run.experiment_id], filter: `source_run_id = ${quote(run.run_id)} AND name = ${quote(event.name)}`, maxResults: 1 },
        { signal },
      )
      : [];
    if (!found) this.save({ modelAttempted: seq });
    const model = found ?? (await this.client.createLoggedModel(
      { experimentId: run.experiment_id, name: event.name, modelType: event.format, sourceRunId: run.run_id, params: event.params, tags: event.tags },
      { signal },
    ));
    const local = join(this.runDir, event.path);
    const files = existsSync(local) ? listFiles(local) : [];
    if (files.length === 0) this.log.warn(`model ${event.name}: ${event.path} is not in ${this.runDir} any more; its files are not uploaded to MLflow`);
    // The files at once (the artifact store), the database writes one after another (a SQLite store locks).
    await Promise.all([
      ...files.map((file) => this.client.uploadModelArtifact(model, relative(local, file).split('\\').join('/'), this.redactedFile(file), { signal })),
      this.client.uploadModelArtifact(model, 'MLmodel', Buffer.from(mlmodelFile(event, model.model_id, run.run_id)), { signal }),
      (async () => {
        if (event.metrics.length > 0) {
          const metrics = event.metrics.map(({ key, value, step, timestamp }) => ({ key, value, step, timestamp }));
          await this.client.logBatch(run.run_id, { metrics, modelId: model.model_id }, { signal });
        }
        if (!found) await this.client.logOutputs(run.run_id, [{ modelId: model.model_id, step: event.metrics[0]?.step ?? 0 }], { signal });
      })(),
    ]);
    await this.client.finalizeLoggedModel(model.model_id, 'LOGGED_MODEL_READY', { signal });
    if (event.register) await this.registerVersion(event.register, model.model_id, event.tags, signal);
  }

  private async registerVersion(name: string, modelId: string, tags: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<void> {
    const runId = this.runInfo!.run_id;
    await this.client.ensureRegisteredModel(name, { signal });
    const existing = await this.client.searchModelVersions(`name = '${name.replace(/'/g, "\\'")}' AND run_id = '${runId}'`, { signal });
    if (existing.length > 0) return;
    await this.client.createModelVersion({ name, modelId, source: `models:/${modelId}`, runId, tags }, { signal });
  }

  private async endRun(event: Extract<RecordedEvent, { type: 'run-ended' }>, signal?: AbortSignal): Promise<void> {
    if (event.error) {
      const error = this.client.redact(event.error);
      const description = this.startEvent().description;
      const note = `${description ? `${description}\n\n` : ''}**distill run ${event.status.toLowerCase()}:** ${error}`;
      await this.client.logBatch(this.runInfo!.run_id, { tags: [{ key: DISTILL_ERROR_TAG, value: error }, { key: 'mlflow.note.content', value: note }] }, { signal });
    }
    await this.client.updateRun({ runId: this.runInfo!.run_id, status: event.status, endTime: event.endTime }, { signal });
  }

  // ---- credentials never leave the machine ----

  private redactedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, this.client.redact(value)]));
  }

  /** The file's bytes, unless it holds a credential (a secret, or userinfo in a URI in a text file): then masked. */
  private redactedFile(file: string): Uint8Array {
    const bytes = readFileSync(file);
    const text = TEXT_EXTENSIONS.has(extname(file).toLowerCase()) ? bytes.toString('utf8') : undefined;
    if (text !== undefined) {
      const clean = this.client.redact(text);
      return clean === text ? bytes : Buffer.from(clean);
    }
    const leaks = this.client.transport.secrets.some((secret) => secret.length >= 3 && bytes.includes(secret));
    return leaks ? Buffer.from(this.client.redact(bytes.toString('latin1')), 'latin1') : bytes;
  }

  // ---- progress ----

  private advance(seq: number): void {
    this.save({ deliveredSeq: seq, lastError: undefined, modelAttempted: undefined });
  }

  private save(change: Partial<MlflowSyncState>): void {
    this.state = writeMlflowState(this.runDir, { ...this.state, ...change });
  }
}

/** MLflow's description of a model directory: its flavor and where it comes from. */
function mlmodelFile(event: ModelEvent, modelId: string, runId: string): string {
  return [
    `artifact_path: ${event.path}`,
    'flavors:',
    '  tfjs:',
    `    format: ${event.format}`,
    '    model_json: model.json',
    `model_id: ${modelId}`,
    `run_id: ${runId}`,
    `utc_time_created: '${new Date().toISOString().replace('T', ' ').replace('Z', '')}'`,
    '',
  ].join('\n');
}

function takeDataGroup(events: readonly RecordedEvent[], from: number): DataEvent[] {
  const group: DataEvent[] = [];
  let entities = 0;
  for (let i = from; i < events.length; i++) {
    const event = events[i];
    if (event.type !== 'params' && event.type !== 'tags' && event.type !== 'metrics') break;
    const size = event.type === 'metrics' ? event.points.length : Object.keys(event.type === 'params' ? event.params : event.tags).length;
    if (group.length > 0 && entities + size > ENTITIES_PER_GROUP) break;
    group.push(event);
    entities += size;
  }
  return group;
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => listFiles(join(path, name)));
}
