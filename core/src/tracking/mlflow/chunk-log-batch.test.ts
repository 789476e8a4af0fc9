import { describe, expect, it } from 'vitest';
import { chunkLogBatch } from './chunk-log-batch.js';

const metric = (i: number) => ({ key: `m${i % 7}`, value: i, timestamp: 1_700_000_000_000 + i, step: i });
const kv = (prefix: string, i: number, value = 'v') => ({ key: `${prefix}${i}`, value });

describe('chunkLogBatch', () => {
  it('keeps every request within 1000 metrics, 100 params, 100 tags and 1000 entities, losing and reordering nothing', () => {
    const batch = {
      metrics: Array.from({ length: 2500 }, (_, i) => metric(i)),
      params: Array.from({ length: 250 }, (_, i) => kv('p', i)),
      tags: Array.from({ length: 130 }, (_, i) => kv('t', i)),
    };
    const chunks = chunkLogBatch(batch);
    for (const chunk of chunks) {
      expect(chunk.metrics.length).toBeLessThanOrEqual(1000);
      expect(chunk.params.length).toBeLessThanOrEqual(100);
      expect(chunk.tags.length).toBeLessThanOrEqual(100);
      expect(chunk.metrics.length + chunk.params.length + chunk.tags.length).toBeLessThanOrEqual(1000);
    }
    expect(chunks.flatMap((c) => c.metrics)).toEqual(batch.metrics);
    expect(chunks.flatMap((c) => c.params)).toEqual(batch.params);
    expect(chunks.flatMap((c) => c.tags)).toEqual(batch.tags);
    // 250 params need 3 requests (100, 100, 50) carrying the tags (100, 30); the room left (800 + 870 + 950) holds
    // the 2500 metrics, so no fourth request is needed.
    expect(chunks).toHaveLength(3);
  });

  it('keeps each request body under MLflow\'s 1 MB limit when values are long', () => {
    const params = Array.from({ length: 100 }, (_, i) => kv('p', i, 'é'.repeat(6000))); // 12 kB each in UTF-8
    const chunks = chunkLogBatch({ params });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...chunk }))).toBeLessThan(1_000_000);
    expect(chunks.flatMap((c) => c.params)).toEqual(params);
  });

  it('sends nothing for an empty batch', () => {
    expect(chunkLogBatch({})).toEqual([]);
  });
});
