import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrainingCache, contentKey } from './training-cache.js';

describe('contentKey', () => {
  it('ignores key order and changes with any value', () => {
    expect(contentKey({ a: 1, b: { c: [1, 2] } })).toBe(contentKey({ b: { c: [1, 2] }, a: 1 }));
    expect(contentKey({ a: 1, b: { c: [1, 2] } })).not.toBe(contentKey({ a: 1, b: { c: [2, 1] } }));
    expect(contentKey({ a: 1 })).not.toBe(contentKey({ a: '1' }));
  });
});

describe('TrainingCache', () => {
  it('builds an entry once; concurrent requests for the same key wait and reuse it', async () => {
    const cache = new TrainingCache(mkdtempSync(join(tmpdir(), 'cache-')));
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      await sleep(300);
      writeFileSync(join(dir, 'weights.bin'), 'trained');
    };
    const results = await Promise.all([cache.obtain('teachers', 'k1', build), cache.obtain('teachers', 'k1', build), cache.obtain('teachers', 'k1', build)]);
    expect(builds).toBe(1);
    expect(results.filter((r) => r.built)).toHaveLength(1);
    expect(new Set(results.map((r) => r.dir)).size).toBe(1);
    expect(readFileSync(join(results[0].dir, 'weights.bin'), 'utf8')).toBe('trained');
    expect(cache.lookup('teachers', 'k1')).toBe(results[0].dir);
  });

  it('leaves no entry when the build fails, so the next request builds again', async () => {
    const cache = new TrainingCache(mkdtempSync(join(tmpdir(), 'cache-')));
    await expect(cache.obtain('teachers', 'k2', async () => { throw new Error('out of memory'); })).rejects.toThrow('out of memory');
    expect(cache.lookup('teachers', 'k2')).toBeUndefined();
    const again = await cache.obtain('teachers', 'k2', async (dir) => writeFileSync(join(dir, 'x'), '1'));
    expect(again.built).toBe(true);
  });
});
