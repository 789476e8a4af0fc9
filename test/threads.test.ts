// The `threads` setting end to end through the real CLI: `--threads` and the manifest's "threads", clamping to the
// cores with a warning, recorded in summary.json, and identical metrics for the same manifest, seed and threads.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { expectedAutoBackend } from './support/installed-backends.js';

const cores = availableParallelism();
/** wasm and cpu compute on one thread in Node; tensorflow uses what it was given. */
const threadsOf = (asked: number) => (expectedAutoBackend() === 'wasm' ? 1 : Math.min(asked, cores));

async function run(manifest: string, args: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'runs-'));
  const result = await runCli(['run', manifest, '--out', out, ...args]);
  const dirs = readdirSync(out);
  const runDir = join(out, dirs[0] ?? 'none');
  const summary = dirs.length === 1 ? JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) : undefined;
  const metrics = dirs.length === 1
    ? readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line))
        .filter((m) => /\/(train|val|test)\//.test(m.key)).map((m) => [m.key, m.step, m.value])
    : [];
  return { ...result, runDir, summary, metrics };
}

describe('threads', () => {
  it('gives identical metrics for the same manifest, seed and threads', async () => {
    const manifest = writeManifest(smallExperiment({ training: { epochs: 2, batchSize: 32, baseline: false } }));
    const first = await run(manifest, ['--threads', '1', '--quiet']);
    const second = await run(manifest, ['--threads', '1', '--quiet']);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(first.metrics.length).toBeGreaterThan(50);
    expect(second.metrics).toEqual(first.metrics);
    expect(first.summary.backend.threads).toBe(1);
  });

  it('gives identical metrics for the same manifest, seed and threads with every core', async () => {
    const manifest = writeManifest(smallExperiment({ threads: cores, training: { epochs: 2, batchSize: 32, baseline: false } }));
    const first = await run(manifest, ['--quiet']);
    const second = await run(manifest, ['--quiet']);
    expect(first.code).toBe(0);
    expect(first.metrics.length).toBeGreaterThan(50);
    expect(second.metrics).toEqual(first.metrics);
    expect(first.summary.backend.threads).toBe(threadsOf(cores));
  });

  it('clamps a thread count above the cores to the cores, with a warning', async () => {
    const manifest = writeManifest(smallExperiment({ threads: 4096, training: { epochs: 1, batchSize: 32, baseline: false } }));
    const result = await run(manifest, ['--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`threads: 4096 asked for, but this machine has ${cores} cores; using ${cores}`);
    expect(result.summary.backend.threads).toBe(threadsOf(4096));
  });

  it('--threads wins over the manifest', async () => {
    const manifest = writeManifest(smallExperiment({ threads: 4096, training: { epochs: 1, batchSize: 32, baseline: false } }));
    const result = await run(manifest, ['--threads', '1', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('asked for');
    expect(result.summary.backend.threads).toBe(1);
    expect(JSON.parse(readFileSync(join(result.runDir, 'manifest.resolved.json'), 'utf8')).threads).toBe(1);
  });

  it("holds each of a sweep's concurrent trials to its share of the cores", async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweeps-'));
    const cache = mkdtempSync(join(tmpdir(), 'teacher-cache-'));
    const manifest = writeManifest({
      ...smallExperiment({ training: { epochs: 1, batchSize: 32, baseline: false } }),
      name: 'threads-sweep',
      sweep: { method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters: { 'losses.0.params.temperature': { values: [2, 4] } } },
    });
    // Two trials at once (this machine has at least 2 cores), each asking for every core.
    const result = await runCli(['sweep', manifest, '--concurrency', '2', '--threads', String(cores), '--out', out, '--quiet'], { env: { DISTILL_CACHE_DIR: cache } });
    expect(result.code, result.stderr).toBe(0);
    const share = Math.floor(cores / 2);
    const sweepDir = join(out, readdirSync(out)[0]);
    const trials = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')).trials as { runDir: string; status: string }[];
    expect(trials.map((t) => t.status)).toEqual(['finished', 'finished']);
    for (const trial of trials) {
      const runDir = join(sweepDir, trial.runDir);
      expect(readFileSync(join(runDir, 'run.log'), 'utf8')).toContain(
        `threads: ${cores} asked for, but the sweep gives each of its concurrent trials ${share} of this machine's ${cores} cores; using ${share}`,
      );
      expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).backend.threads).toBe(threadsOf(share));
    }
  });

  it('refuses a thread count that is not a whole number of at least 1', async () => {
    const flag = await run(writeManifest(smallExperiment()), ['--threads', '0']);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toContain("option '--threads <n>' argument '0' is invalid. must be a whole number of at least 1");
    const manifest = writeManifest(`{\n  "threads": 1.5,\n${JSON.stringify(smallExperiment(), null, 2).slice(2)}`);
    const field = await run(manifest, []);
    expect(field.code).toBe(2);
    expect(field.stderr).toContain(`${manifest}:2:14: /threads: must be integer`);
    expect(field.stderr).not.toMatch(/\n\s+at /);
  });
});
