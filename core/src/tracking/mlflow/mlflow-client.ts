// A thin, typed client for MLflow's tracking REST API (mlflow/protos/service.proto) and its artifact proxy, over
// Node's global fetch. Keys are made valid (sanitize-key.ts), values kept within MLflow's limits (mlflow-limits.ts),
// NaN/±Infinity encoded as MLflow expects (metric-value.ts), batches split within the limits (chunk-log-batch.ts).
//
//   const client = new MlflowClient(resolveMlflowConfig({ trackingUri: 'http://127.0.0.1:5000' }));
//   const experiment = await client.getOrCreateExperiment('mnist-kd');
//   const run = await client.createRun({ experimentId: experiment.experiment_id, runName: 'kd-t4', startTime: Date.now() });
//   await client.logBatch(run.info.run_id, { metrics: [{ key: 'loss', value: 0.3, step: 1, timestamp: Date.now() }] });
//   await client.updateRun({ runId: run.info.run_id, status: 'FINISHED', endTime: Date.now() });
import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import type { MlflowConfig } from './mlflow-config.js';
import { MlflowTransport, type TransportOptions, type TransportRequest } from './mlflow-transport.js';
import { RESOURCE_ALREADY_EXISTS, RESOURCE_DOES_NOT_EXIST, isMlflowRestError } from './mlflow-rest-error.js';
import { decodeMetricValue, encodeMetricValue } from './metric-value.js';
import { sanitizeKey } from './sanitize-key.js';
import { MLFLOW_LIMITS, truncateValue } from './mlflow-limits.js';
import { chunkLogBatch, type WireKeyValue, type WireMetric } from './chunk-log-batch.js';
import { artifactPathToUrl, resolveArtifactRoot } from './artifact-uri.js';
import { redactCredentials } from '../../secrets/redact.js';
import type { MlflowDataset, MlflowExperiment, MlflowFileInfo, MlflowKeyValue, LogBatchInput, MlflowLoggedModel, MlflowMetric, MlflowRunStatus, MlflowRun, MlflowRunInfo } from './mlflow-types.js';

const API = '/api/2.0/mlflow';

type Query = Record<string, string | number | undefined>;

export interface CreateRunInput {
  readonly experimentId: string;
  readonly runName?: string;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface SearchRunsInput {
  readonly experimentIds: readonly string[];
  readonly filter?: string;
  readonly maxResults?: number;
  readonly orderBy?: readonly string[];
  readonly runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  readonly pageToken?: string;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly maxRetries?: number;
}

export class MlflowClient {
  readonly transport: MlflowTransport;

  constructor(
    readonly config: MlflowConfig,
    options: TransportOptions = {},
  ) {
    this.transport = new MlflowTransport(config, options);
  }

  get trackingUri(): string {
    return this.config.trackingUri;
  }

  /** Masks this client's credentials (and any URI userinfo) in `text`. */
  redact(text: string): string {
    return redactCredentials(text, this.transport.secrets);
  }

  // ---- experiments ----

  async getExperimentByName(name: string, options?: RequestOptions): Promise<MlflowExperiment | undefined> {
    try {
      const answer = await this.get<{ experiment: RawExperiment }>('/experiments/get-by-name', { experiment_name: name }, options);
      return toExperiment(answer.experiment);
    } catch (error) {
      if (isMlflowRestError(error, RESOURCE_DOES_NOT_EXIST)) return undefined;
      throw error;
    }
  }

  async getExperiment(experimentId: string, options?: RequestOptions): Promise<MlflowExperiment> {
    const answer = await this.get<{ experiment: RawExperiment }>('/experiments/get', { experiment_id: experimentId }, options);
    return toExperiment(answer.experiment);
  }

  async createExperiment(name: string, tags: Readonly<Record<string, string>> = {}, options?: RequestOptions): Promise<string> {
    const answer = await this.post<{ experiment_id: string }>('/experiments/create', { name, tags: toTags(tags) }, options);
    return answer.experiment_id;
  }

  /**
   * The active experiment with this name, created when missing. Safe when several processes do it at once: a creator
   * that loses the race (RESOURCE_ALREADY_EXISTS) reads the winner's. A deleted experiment of that name is an error.
   */
  async getOrCreateExperiment(name: string, options?: RequestOptions): Promise<MlflowExperiment> {
    let experiment = await this.getExperimentByName(name, options);
    if (!experiment) {
      try {
        const id = await this.createExperiment(name, {}, options);
        experiment = await this.getExperiment(id, options);
      } catch (error) {
        if (!isMlflowRestError(error, RESOURCE_ALREADY_EXISTS)) throw error;
        experiment = await this.getExperimentByName(name, options);
        if (!experiment) throw error;
      }
    }
    assertActive(experiment);
    return experiment;
  }

  // ---- runs ----

  /** Sends the request once unless `options.maxRetries` says otherwise: a retried create can make two runs. */
  async createRun(input: CreateRunInput, options: RequestOptions = {}): Promise<MlflowRun> {
    const tags = prepareTags(input.tags ?? {});
    const user = tags.find((tag) => tag.key === 'mlflow.user')?.value;
    const answer = await this.post<{ run: RawRun }>('/runs/create', {
      experiment_id: input.experimentId,
      run_name: input.runName,
      start_time: Math.round(input.startTime),
      user_id: user,
      tags,
    }, { maxRetries: 0, ...options });
    return toRun(answer.run);
  }

  async updateRun(input: { runId: string; status?: MlflowRunStatus; endTime?: number; runName?: string }, options?: RequestOptions): Promise<MlflowRunInfo> {
    const answer = await this.post<{ run_info: RawRunInfo }>('/runs/update', {
      run_id: input.runId,
      status: input.status,
      end_time: input.endTime === undefined ? undefined : Math.round(input.endTime),
      run_name: input.runName,
    }, options);
    return toRunInfo(answer.run_info);
  }

  async getRun(runId: string, options?: RequestOptions): Promise<MlflowRun> {
    const answer = await this.get<{ run: RawRun }>('/runs/get', { run_id: runId }, options);
    return toRun(answer.run);
  }

  async searchRuns(input: SearchRunsInput, options?: RequestOptions): Promise<{ runs: MlflowRun[]; nextPageToken?: string }> {
    const answer = await this.post<{ runs?: RawRun[]; next_page_token?: string }>('/runs/search', {
      experiment_ids: input.experimentIds,
      filter: input.filter,
      max_results: input.maxResults,
      order_by: input.orderBy,
      run_view_type: input.runViewType,
      page_token: input.pageToken,
    }, options);
    return { runs: (answer.runs ?? []).map(toRun), nextPageToken: answer.next_page_token || undefined };
  }

  /** Every run matching, following the pages. */
  async searchAllRuns(input: Omit<SearchRunsInput, 'pageToken'>, options?: RequestOptions): Promise<MlflowRun[]> {
    const runs: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...input, pageToken }, options);
      runs.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return runs;
  }

  /**
   * Logs any number of metrics, params and tags, in as many requests as MLflow's limits need, sent in order.
   * Keys are sanitized; param values over 6000 and tag values over 8000 characters are cut (ending in "...").
   */
  async logBatch(runId: string, batch: LogBatchInput & { modelId?: string }, options?: RequestOptions): Promise<void> {
    const chunks = chunkLogBatch({
      params: prepareParams(batch.params ?? []),
      tags: prepareTags(batch.tags ?? []),
      metrics: (batch.metrics ?? []).map((metric) => ({ ...toWireMetric(metric), ...(batch.modelId ? { model_id: batch.modelId } : {}) })),
    });
    for (const chunk of chunks) await this.post('/runs/log-batch', { run_id: runId, ...chunk }, options);
  }

  async setTag(runId: string, key: string, value: string, options?: RequestOptions): Promise<void> {
    await this.logBatch(runId, { tags: [{ key, value }] }, options);
  }

  /** The full history of one metric, in the server's order, following the pages. */
  async getMetricHistory(runId: string, metricKey: string, options?: RequestOptions): Promise<MlflowMetric[]> {
    const metrics: MlflowMetric[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.get<{ metrics?: RawMetric[]; next_page_token?: string }>(
        '/metrics/get-history', { run_id: runId, metric_key: metricKey, max_results: 25_000, page_token: pageToken }, options);
      metrics.push(...(answer.metrics ?? []).map(toMetric));
      pageToken = answer.next_page_token || undefined;
    } while (pageToken);
    return metrics;
  }

  // ---- inputs, outputs and logged models (MLflow 3) ----

  /** Datasets the run used (`context`: the `mlflow.data.context` input tag, e.g. "training"). */
  async logInputs(runId: string, datasets: readonly { dataset: MlflowDataset; context?: string }[], options?: RequestOptions): Promise<void> {
    await this.post('/runs/log-inputs', {
      run_id: runId,
      datasets: datasets.map(({ dataset, context }) => ({ dataset, tags: context ? [{ key: 'mlflow.data.context', value: context }] : [] })),
    }, options);
  }

  /** Records models as outputs of the run (the run page's "Logged models"). */
  async logOutputs(runId: string, models: readonly { modelId: string; step: number }[], options?: RequestOptions): Promise<void> {
    await this.post('/runs/outputs', { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: Math.trunc(m.step) })) }, options);
  }

  /** Not idempotent: sent once (see `searchLoggedModels` to find one a lost answer created). */
  async createLoggedModel(
    input: { experimentId: string; name: string; modelType?: string; sourceRunId?: string; params?: Readonly<Record<string, string>>; tags?: Readonly<Record<string, string>> },
    options: RequestOptions = {},
  ): Promise<MlflowLoggedModel> {
    const answer = await this.post<{ model: RawLoggedModel }>('/logged-models', {
      experiment_id: input.experimentId,
      name: input.name,
      model_type: input.modelType,
      source_run_id: input.sourceRunId,
      params: prepareParams(Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value }))),
      tags: prepareTags(input.tags ?? {}),
    }, { maxRetries: 0, ...options });
    return toLoggedModel(answer.model);
  }

  async finalizeLoggedModel(modelId: string, status: 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED', options?: RequestOptions): Promise<MlflowLoggedModel> {
    const path = `/logged-models/${encodeURIComponent(modelId)}`;
    const answer = await this.request<{ model: RawLoggedModel }>({
      method: 'PATCH', url: `${this.config.trackingUri}${API}${path}`, endpoint: `${API}/logged-models/{model_id}`, json: { model_id: modelId, status }, ...options,
    });
    return toLoggedModel(answer.model);
  }

  async getLoggedModel(modelId: string, options?: RequestOptions): Promise<MlflowLoggedModel> {
    const path = `/logged-models/${encodeURIComponent(modelId)}`;
    const answer = await this.request<{ model: RawLoggedModel }>({ method: 'GET', url: `${this.config.trackingUri}${API}${path}`, endpoint: `${API}/logged-models/{model_id}`, ...options });
    return toLoggedModel(answer.model);
  }

  /** Logged models matching `filter` (e.g. `source_run_id = '…' AND name = 'student'`); the first page. */
  async searchLoggedModels(input: { experimentIds: readonly string[]; filter?: string; maxResults?: number }, options?: RequestOptions): Promise<MlflowLoggedModel[]> {
    const answer = await this.post<{ models?: RawLoggedModel[] }>('/logged-models/search', {
      experiment_ids: input.experimentIds, filter: input.filter, max_results: input.maxResults,
    }, options);
    return (answer.models ?? []).map(toLoggedModel);
  }

  /** Uploads bytes to `artifactPath` under a logged model's artifact root. */
  async uploadModelArtifact(model: MlflowLoggedModel, artifactPath: string, data: Uint8Array, options?: RequestOptions): Promise<void> {
    const url = artifactPathToUrl(resolveArtifactRoot(model.artifact_uri, this.config.trackingUri), artifactPath);
    await this.transport.send({ method: 'PUT', url, endpoint: new URL(url).pathname, body: data, ...options });
  }

  // ---- model registry ----

  /** The registered model, created when missing (a concurrent creator winning the race is fine). */
  async ensureRegisteredModel(name: string, options?: RequestOptions): Promise<void> {
    try {
      await this.post('/registered-models/create', { name }, options);
    } catch (error) {
      if (!isMlflowRestError(error, RESOURCE_ALREADY_EXISTS)) throw error;
    }
  }

  /** A new version of registered model `name` from a logged model; returns its version number. Not idempotent. */
  async createModelVersion(
    input: { name: string; modelId: string; source: string; runId?: string; tags?: Readonly<Record<string, string>> },
    options: RequestOptions = {},
  ): Promise<string> {
    const answer = await this.post<{ model_version: { version: string } }>('/model-versions/create', {
      name: input.name, source: input.source, run_id: input.runId, model_id: input.modelId, tags: prepareTags(input.tags ?? {}),
    }, { maxRetries: 0, ...options });
    return String(answer.model_version.version);
  }

  /** Versions of registered models matching `filter` (`name = '…' AND run_id = '…'`). */
  async searchModelVersions(filter: string, options?: RequestOptions): Promise<{ name: string; version: string; tags: MlflowKeyValue[] }[]> {
    const answer = await this.get<{ model_versions?: { name: string; version: string; tags?: MlflowKeyValue[] }[] }>('/model-versions/search', { filter, max_results: 1000 }, options);
    return (answer.model_versions ?? []).map((v) => ({ name: v.name, version: String(v.version), tags: v.tags ?? [] }));
  }

  // ---- artifacts (through the server's artifact proxy) ----

  /** Files and directories directly under `path` (run-relative paths), following the pages. */
  async listArtifacts(runId: string, path?: string, options?: RequestOptions): Promise<MlflowFileInfo[]> {
    const files: MlflowFileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.get<{ files?: MlflowFileInfo[]; next_page_token?: string }>(
        '/artifacts/list', { run_id: runId, path, page_token: pageToken }, options);
      files.push(...(answer.files ?? []).map((file) => ({ ...file, is_dir: Boolean(file.is_dir) })));
      pageToken = answer.next_page_token || undefined;
    } while (pageToken);
    return files;
  }

  /** Every file under `path`, recursively. */
  async listAllArtifacts(runId: string, path?: string, options?: RequestOptions): Promise<MlflowFileInfo[]> {
    const files: MlflowFileInfo[] = [];
    for (const entry of await this.listArtifacts(runId, path, options)) {
      if (entry.is_dir) files.push(...(await this.listAllArtifacts(runId, entry.path, options)));
      else files.push(entry);
    }
    return files;
  }

  /** Uploads bytes to `artifactPath` (e.g. `student/model.json`) under the run's artifact root. */
  async uploadArtifact(run: MlflowRunInfo, artifactPath: string, data: Uint8Array, options?: RequestOptions): Promise<void> {
    const url = artifactPathToUrl(this.artifactRoot(run), artifactPath);
    await this.transport.send({ method: 'PUT', url, endpoint: new URL(url).pathname, body: data, ...options });
  }

  /** Uploads a local file; it is read anew for every attempt, so a retry never sends a half-consumed stream. */
  async uploadArtifactFile(run: MlflowRunInfo, artifactPath: string, localFile: string, options?: RequestOptions): Promise<void> {
    await this.uploadArtifact(run, artifactPath, await readFile(localFile), options);
  }

  async downloadArtifact(run: MlflowRunInfo, artifactPath: string, options?: RequestOptions): Promise<Uint8Array> {
    const url = artifactPathToUrl(this.artifactRoot(run), artifactPath);
    return this.transport.send({ method: 'GET', url, endpoint: new URL(url).pathname, ...options });
  }

  private artifactRoot(run: MlflowRunInfo): string {
    return resolveArtifactRoot(run.artifact_uri, this.config.trackingUri);
  }

  // ---- wire ----

  private get<T>(path: string, query: Query, options: RequestOptions = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.append(key, String(value));
    return this.request<T>({ method: 'GET', url: `${this.config.trackingUri}${API}${path}?${search}`, endpoint: `${API}${path}`, ...options });
  }

  private post<T>(path: string, json: object, options: RequestOptions = {}): Promise<T> {
    return this.request<T>({ method: 'POST', url: `${this.config.trackingUri}${API}${path}`, endpoint: `${API}${path}`, json, ...options });
  }

  private request<T>(request: TransportRequest): Promise<T> {
    return this.transport.json<T>(request);
  }
}

function assertActive(experiment: MlflowExperiment): void {
  if (experiment.lifecycle_stage === 'deleted') {
    throw new UserError(`MLflow experiment "${experiment.name}" (id ${experiment.experiment_id}) is deleted`, {
      hint: 'restore it (`mlflow experiments restore --experiment-id ...`), delete it permanently (`mlflow gc`), or use another experiment name',
    });
  }
}

// ---- encoding ----

function toWireMetric(metric: MlflowMetric): WireMetric {
  return {
    key: sanitizeKey(metric.key),
    value: encodeMetricValue(metric.value),
    timestamp: Math.round(metric.timestamp),
    step: Math.trunc(metric.step),
  };
}

/** One value per key (MLflow rejects a request that repeats a param key); the first one wins, as on the server. */
function prepareParams(params: readonly MlflowKeyValue[]): WireKeyValue[] {
  const byKey = new Map<string, string>();
  for (const param of params) {
    const key = sanitizeKey(param.key);
    if (!byKey.has(key)) byKey.set(key, truncateValue(param.value, MLFLOW_LIMITS.paramValueLength));
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** Tags are last-write-wins, so the last value for a key is the one kept. */
function prepareTags(tags: readonly MlflowKeyValue[] | Readonly<Record<string, string>>): WireKeyValue[] {
  const entries = Array.isArray(tags) ? (tags as readonly MlflowKeyValue[]).map((tag) => [tag.key, tag.value] as const) : Object.entries(tags);
  const byKey = new Map<string, string>();
  for (const [key, value] of entries) byKey.set(sanitizeKey(key), truncateValue(value, MLFLOW_LIMITS.tagValueLength));
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function toTags(tags: Readonly<Record<string, string>>): WireKeyValue[] {
  return prepareTags(tags);
}

// ---- decoding (empty repeated fields are omitted on the wire) ----

interface RawMetric { key: string; value: unknown; timestamp?: number | string; step?: number | string }
interface RawExperiment extends Omit<MlflowExperiment, 'tags'> { tags?: MlflowKeyValue[] }
interface RawRunInfo extends MlflowRunInfo { run_uuid?: string }
interface RawRun { info: RawRunInfo; data?: { metrics?: RawMetric[]; params?: MlflowKeyValue[]; tags?: MlflowKeyValue[] } }

interface RawLoggedModel { info: MlflowLoggedModel }

function toLoggedModel(raw: RawLoggedModel): MlflowLoggedModel {
  return raw.info;
}

function toMetric(raw: RawMetric): MlflowMetric {
  return { key: raw.key, value: decodeMetricValue(raw.value), timestamp: Number(raw.timestamp ?? 0), step: Number(raw.step ?? 0) };
}

function toExperiment(raw: RawExperiment): MlflowExperiment {
  return { ...raw, tags: raw.tags ?? [] };
}

function toRunInfo(raw: RawRunInfo): MlflowRunInfo {
  return { ...raw, run_id: raw.run_id ?? raw.run_uuid };
}

function toRun(raw: RawRun): MlflowRun {
  return {
    info: toRunInfo(raw.info),
    data: { metrics: (raw.data?.metrics ?? []).map(toMetric), params: raw.data?.params ?? [], tags: raw.data?.tags ?? [] },
  };
}
