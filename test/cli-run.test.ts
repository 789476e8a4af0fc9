// `distill run` end to end through the real CLI: the run directory, summary.json, exit codes, failures.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { expectedAutoBackend } from './support/installed-backends.js';

function onlyRunDir(out: string): string {
  const dirs = readdirSync(out);
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

function readJsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

describe('distill run', () => {
  it('trains teacher, student and baseline and writes a complete run directory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const result = await runCli(['run', writeManifest(smallExperiment()), '--out', out]);
    expect(result.stderr).toContain(`backend: ${expectedAutoBackend()} — auto: `);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/teacher .*\n.*student .*\n.*baseline/s);
    const runDir = onlyRunDir(out);
    for (const file of ['manifest.resolved.json', 'metrics.jsonl', 'events.jsonl', 'summary.json', 'run.log', 'student/model.json', 'student/weights.bin', 'teacher/model.json']) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ name: 'small', status: 'FINISHED', backend: { name: expectedAutoBackend() } });
    expect(JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8'))).toMatchObject({ 'distill.backend': expectedAutoBackend(), 'distill.backend.reason': summary.backend.reason });
    expect(summary.runId).toBe(runDir.split('/').pop());
    expect(summary.durationMs).toBe(Date.parse(summary.endTime) - Date.parse(summary.startTime));
    for (const key of ['teacher/test/accuracy', 'student/test/accuracy', 'student/test/agreement', 'baseline/test/accuracy']) {
      expect(summary.metrics[key], key).toBeGreaterThanOrEqual(0);
      expect(summary.metrics[key], key).toBeLessThanOrEqual(1);
    }
    expect(summary.metrics['teacher/parameters']).toBe(12 * 64 + 64 + 64 * 4 + 4);
    expect(summary.metrics['student/parameters']).toBe(12 * 8 + 8 + 8 * 4 + 4);

    const resolved = JSON.parse(readFileSync(join(runDir, 'manifest.resolved.json'), 'utf8'));
    expect(resolved.training).toEqual({ augment: [], epochs: 3, batchSize: 32, shuffle: true, evalEvery: 1, baseline: true });
    expect(resolved.backend).toBe('auto');

    const metrics = readJsonLines(join(runDir, 'metrics.jsonl'));
    const keys = new Set(metrics.map((m) => m.key));
    for (const key of ['student/train/loss', 'student/train/loss/kl-divergence', 'student/train/loss/cross-entropy', 'student/train/lr', 'student/train/temperature/kl-divergence', 'student/val/accuracy', 'teacher/train/loss', 'baseline/train/loss']) {
      expect(keys.has(key), key).toBe(true);
    }
    expect(metrics.every((m) => typeof m.step === 'number' && typeof m.epoch === 'number' && typeof m.timestamp === 'number')).toBe(true);
    const studentSteps = metrics.filter((m) => m.key === 'student/train/loss').map((m) => m.step);
    expect(studentSteps).toEqual(studentSteps.map((_, i) => i));
  });

  it('gives identical metrics for the same manifest and seed', async () => {
    const manifest = writeManifest(smallExperiment({ training: { epochs: 2, batchSize: 32, baseline: false } }));
    const values = async () => {
      const out = mkdtempSync(join(tmpdir(), 'runs-'));
      expect((await runCli(['run', manifest, '--out', out, '--quiet'])).code).toBe(0);
      return readJsonLines(join(onlyRunDir(out), 'metrics.jsonl')).filter((m) => String(m.key).includes('/train/') || String(m.key).includes('/val/') || String(m.key).includes('/test/')).map((m) => [m.key, m.step, m.value]);
    };
    const first = await values();
    expect(first.length).toBeGreaterThan(50);
    expect(await values()).toEqual(first);
  });

  it('with --cache, trains the teacher and the baseline once and reuses them in the next run', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cache-'));
    const manifest = writeManifest(smallExperiment());
    const run = async () => {
      const out = mkdtempSync(join(tmpdir(), 'runs-'));
      const result = await runCli(['run', manifest, '--out', out, '--cache', '--quiet'], { env: { DISTILL_CACHE_DIR: cacheDir } });
      expect(result.code).toBe(0);
      const runDir = onlyRunDir(out);
      const tags = JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8'));
      const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
      const keys = new Set(readJsonLines(join(runDir, 'metrics.jsonl')).map((m) => m.key));
      return { tags, summary, keys };
    };
    const first = await run();
    expect(first.tags).toMatchObject({ 'distill.teacher.cache': 'stored', 'distill.baseline.cache': 'stored', 'distill.teacherOutputs.cache': 'stored' });
    expect(first.keys.has('teacher/train/loss') && first.keys.has('baseline/train/loss')).toBe(true);
    const second = await run();
    expect(second.tags).toMatchObject({ 'distill.teacher.cache': 'reused', 'distill.baseline.cache': 'reused', 'distill.teacherOutputs.cache': 'reused' });
    expect(second.keys.has('teacher/train/loss') || second.keys.has('baseline/train/loss')).toBe(false);
    for (const key of ['teacher/test/accuracy', 'student/test/accuracy', 'baseline/test/accuracy', 'baseline/val/accuracy']) {
      expect(second.summary.metrics[key], key).toBe(first.summary.metrics[key]);
    }
  });

  it("with --cache, reuses the frozen teacher's outputs (logits and tapped layers) only for the same teacher, layers and data", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cache-'));
    const featureLoss = { type: 'feature-mse', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'linear' }, weight: 0.5 };
    const run = async (overrides: Record<string, unknown>) => {
      const out = mkdtempSync(join(tmpdir(), 'runs-'));
      const result = await runCli(['run', writeManifest(smallExperiment({ training: { epochs: 2, batchSize: 32, baseline: false }, ...overrides })), '--out', out, '--cache', '--quiet'], {
        env: { DISTILL_CACHE_DIR: cacheDir },
      });
      expect(result.code, result.stderr).toBe(0);
      const runDir = onlyRunDir(out);
      const student = readJsonLines(join(runDir, 'metrics.jsonl')).filter((m) => String(m.key).startsWith('student/') && !String(m.key).includes('latency'));
      return { tag: JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8'))['distill.teacherOutputs.cache'], student: student.map((m) => [m.key, m.step, m.value]) };
    };
    const withFeatures = { losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.5 }, featureLoss] };
    const first = await run(withFeatures);
    expect(first.tag).toBe('stored');
    const second = await run(withFeatures);
    expect(second.tag).toBe('reused');
    // Outputs read back from the cache train the student to the very same numbers as outputs just computed.
    expect(second.student).toEqual(first.student);
    expect(first.student.some(([key]) => key === 'student/train/loss/feature-mse')).toBe(true);
    // Other layers tapped, or other data: new outputs.
    expect((await run({ losses: [{ type: 'kl-divergence', params: { temperature: 4 } }] })).tag).toBe('stored');
    expect((await run({ ...withFeatures, dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 100, labelsPerClass: 10 } } })).tag).toBe('stored');
  });

  it('fails with exit 1 and status FAILED when a loss goes NaN, naming the step and the term', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const manifest = writeManifest(smallExperiment({ optimizer: { type: 'sgd', params: { learningRate: 1e30 } } }));
    const result = await runCli(['run', manifest, '--out', out, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/student stage: loss term "(kl-divergence|cross-entropy|total)" is (NaN|Infinity|-Infinity) at step \d+ \(epoch \d+\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const summary = JSON.parse(readFileSync(join(onlyRunDir(out), 'summary.json'), 'utf8'));
    expect(summary.status).toBe('FAILED');
    expect(summary.error).toMatch(/is (NaN|Infinity|-Infinity) at step/);
  });

  it('rejects a feature loss naming a layer the model lacks, listing the real layer names (exit 2)', async () => {
    const manifest = writeManifest(
      smallExperiment({
        losses: [{ type: 'feature-mse', params: { teacherLayer: 'hidden7', studentLayer: 'hidden1', projection: 'linear' } }],
      }),
    );
    const result = await runCli(['run', manifest, '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/losses/0/params/teacherLayer');
    expect(result.stderr).toMatch(/hidden7/);
    expect(result.stderr).toMatch(/hidden1, logits/);
  });

  it('ends a run interrupted with SIGINT as KILLED (exit 130) with its summary written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const manifest = writeManifest(smallExperiment({ training: { epochs: 400, batchSize: 8 } }));
    let sent = false;
    const result = await runCli(['run', manifest, '--out', out], {
      onSpawn: (child) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('student stage')) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 500);
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    const summary = JSON.parse(readFileSync(join(onlyRunDir(out), 'summary.json'), 'utf8'));
    expect(summary.status).toBe('KILLED');
    const events = readJsonLines(join(onlyRunDir(out), 'events.jsonl'));
    expect(events.at(-1)).toMatchObject({ type: 'run-ended', status: 'KILLED' });
  });
});
