// Splits a log-batch into requests MLflow accepts: at most 1000 metrics, 100 params, 100 tags and 1000 entities per
// request, and a body well under the 1 MB request limit. Params come first, then tags, then metrics, each in its
// original order, so the requests can be sent one after another and metric history keeps its order.
import { MLFLOW_LIMITS } from './mlflow-limits.js';
import type { WireDouble } from './metric-value.js';

export interface WireMetric {
  readonly key: string;
  readonly value: WireDouble;
  readonly timestamp: number;
  readonly step: number;
  /** Links the point to a logged model as well as to the run. */
  readonly model_id?: string;
}

export interface WireKeyValue {
  readonly key: string;
  readonly value: string;
}

export interface LogBatchChunk {
  metrics: WireMetric[];
  params: WireKeyValue[];
  tags: WireKeyValue[];
}

export function chunkLogBatch(batch: { metrics?: readonly WireMetric[]; params?: readonly WireKeyValue[]; tags?: readonly WireKeyValue[] }): LogBatchChunk[] {
  // As MLflow's Python client does: params and tags in groups of 100, zipped, then the room left filled with metrics.
  const paramGroups = split(batch.params ?? [], MLFLOW_LIMITS.paramsPerBatch);
  const tagGroups = split(batch.tags ?? [], MLFLOW_LIMITS.tagsPerBatch);
  const chunks: LogBatchChunk[] = [];
  for (let i = 0; i < Math.max(paramGroups.length, tagGroups.length); i++) {
    const params = paramGroups[i] ?? [];
    const tags = tagGroups[i] ?? [];
    if (sizeOf(params) + sizeOf(tags) > MLFLOW_LIMITS.batchBytes) chunks.push({ metrics: [], params, tags: [] }, { metrics: [], params: [], tags });
    else chunks.push({ metrics: [], params, tags });
  }
  const metrics = batch.metrics ?? [];
  let next = 0;
  const fill = (chunk: LogBatchChunk) => {
    let bytes = sizeOf(chunk.params) + sizeOf(chunk.tags);
    while (next < metrics.length && chunk.metrics.length < MLFLOW_LIMITS.metricsPerBatch
      && chunk.params.length + chunk.tags.length + chunk.metrics.length < MLFLOW_LIMITS.entitiesPerBatch) {
      const size = entitySize(metrics[next]);
      if (bytes + size > MLFLOW_LIMITS.batchBytes && chunk.metrics.length + chunk.params.length + chunk.tags.length > 0) break;
      chunk.metrics.push(metrics[next++]);
      bytes += size;
    }
  };
  chunks.forEach(fill);
  while (next < metrics.length) {
    const chunk: LogBatchChunk = { metrics: [], params: [], tags: [] };
    fill(chunk);
    chunks.push(chunk);
  }
  return chunks;
}

/** Consecutive groups of at most `limit` entities and at most `batchBytes` of JSON each. */
function split<T>(entities: readonly T[], limit: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const entity of entities) {
    const size = entitySize(entity);
    if (group.length >= limit || (group.length > 0 && bytes + size > MLFLOW_LIMITS.batchBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(entity);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function entitySize(entity: unknown): number {
  return Buffer.byteLength(JSON.stringify(entity)) + 1;
}

function sizeOf(entities: readonly unknown[]): number {
  return entities.reduce<number>((sum, entity) => sum + entitySize(entity), 0);
}
