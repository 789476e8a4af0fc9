// Splits read by position through the real CLI: a dataset plugin whose splits are SampleSources reading binary records
// by offset from a file the test writes (test/fixtures/plugins/binary-records.mjs). On a small file the streamed run
// gives exactly the metrics of the same data held in memory; on a file larger than the run's memory budget, the
// streamed run finishes with its peak resident memory well under the file's size, while holding the same split in
// memory costs more than the whole file.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, writeManifest } from './support/cli.js';

const plugin = join(repoRoot, 'test/fixtures/plugins/binary-records.mjs');
const maxRssHook = join(repoRoot, 'test/fixtures/hooks/report-max-rss.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Writes `records` records of `width` features: class i mod 4, features noisy around a class-specific pattern. */
function writeRecords(file: string, width: number, records: number): void {
  const recordBytes = 4 + 4 * width;
  const fd = openSync(file, 'w');
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  const perChunk = Math.max(1, Math.floor((16 << 20) / recordBytes));
  try {
    for (let start = 0; start < records; start += perChunk) {
      const n = Math.min(perChunk, records - start);
      const chunk = Buffer.alloc(n * recordBytes);
      for (let r = 0; r < n; r++) {
        const label = (start + r) % 4;
        chunk.writeInt32LE(label, r * recordBytes);
        const features = new Float32Array(chunk.buffer, chunk.byteOffset + r * recordBytes + 4, width);
        for (let j = 0; j < width; j++) features[j] = next() - 0.5 + (j % 4 === label ? 0.6 : 0);
      }
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

function manifest(dir: string, mode: 'stream' | 'memory', split: { width: number; train: number; validation: number; test: number }, epochs: number) {
  return writeManifest({
    name: `records-${mode}`,
    seed: 5,
    backend: 'wasm',
    plugins: [plugin],
    dataset: { type: 'binary-records', params: { path: join(dir, 'records.bin'), numClasses: 4, mode, ...split } },
    teacher: { type: 'mlp', params: { hidden: [16] }, train: { epochs, batchSize: 64, optimizer: { type: 'adam', params: { learningRate: 0.01 } } } },
    student: { type: 'mlp', params: { hidden: [4] } },
    losses: [{ type: 'kl-divergence', weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }],
    optimizer: { type: 'adam', params: { learningRate: 0.01 } },
    training: { epochs, batchSize: 64 },
  });
}

interface Run {
  readonly metrics: Record<string, number>;
  readonly points: string[];
  readonly maxRssBytes: number;
}

/** A real CLI run; its summary metrics, its per-step metric points, and its peak resident memory. */
async function run(file: string, out: string, nodeArgs: string[] = []): Promise<Run> {
  const rssFile = join(out, `${Date.now()}.rss`);
  const result = await runCli(['run', file, '--out', out, '--quiet', '--json'], {
    nodeArgs: [...nodeArgs, '--import', maxRssHook],
    env: { DISTILL_TEST_MAX_RSS_FILE: rssFile },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout) as { runId: string; metrics: Record<string, number> };
  const points = readFileSync(join(out, summary.runId, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; value: number; step: number });
  // Timings differ from run to run; everything else must not.
  const timed = (key: string) => /latency|speedup/.test(key);
  return {
    metrics: Object.fromEntries(Object.entries(summary.metrics).filter(([key]) => !timed(key))),
    points: points.filter((p) => !timed(p.key)).map((p) => `${p.key}@${p.step}=${p.value}`),
    maxRssBytes: Number(readFileSync(rssFile, 'utf8')) * 1024,
  };
}

describe('a dataset whose splits are read by position', () => {
  it('gives, streamed from disk, exactly the metrics of the same split held in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-small-'));
    dirs.push(dir);
    const split = { width: 32, train: 480, validation: 64, test: 96 };
    writeRecords(join(dir, 'records.bin'), split.width, split.train + split.validation + split.test);
    const streamed = await run(manifest(dir, 'stream', split, 5), dir);
    const loaded = await run(manifest(dir, 'memory', split, 5), dir);
    expect(Object.keys(streamed.metrics).length).toBeGreaterThan(15);
    expect(streamed.metrics['student/test/accuracy']).toBeGreaterThan(0.5);
    expect(streamed.metrics).toEqual(loaded.metrics);
    expect(streamed.points.length).toBeGreaterThan(100);
    expect(streamed.points).toEqual(loaded.points);
  });

  it('trains on a split larger than its memory budget with its peak resident memory well under the split\'s size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-large-'));
    dirs.push(dir);
    // 8192 records of 64 KiB: a 512 MiB file. A distill run on wasm takes about 300 MB on its own.
    const split = { width: 16384, train: 7168, validation: 512, test: 512 };
    writeRecords(join(dir, 'records.bin'), split.width, split.train + split.validation + split.test);
    const fileBytes = statSync(join(dir, 'records.bin')).size;
    // The JS heap gets 128 MB. The split's bytes would live outside it (typed arrays), so the bound that matters is
    // the process's resident memory: the streamed run stays well under the file's size...
    const budget = ['--max-old-space-size=128'];
    const streamed = await run(manifest(dir, 'stream', split, 1), dir, budget);
    expect(streamed.maxRssBytes).toBeLessThan(0.75 * fileBytes);
    expect(streamed.metrics['teacher/test/accuracy']).toBeGreaterThan(0.9);
    // ...while the same split held in memory takes more than the whole file.
    const loaded = await run(manifest(dir, 'memory', split, 1), dir, budget);
    expect(loaded.maxRssBytes).toBeGreaterThan(fileBytes);
    expect(streamed.metrics).toEqual(loaded.metrics);
  });
});
