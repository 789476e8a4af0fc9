// Distill, prune and export through the real CLI, then load every exported variant as a deployment would: plain
// @tensorflow/tfjs in another Node process, over HTTP from a server this test starts. Its predictions must give
// exactly the accuracy and agreement the run reported.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, type Dataset } from '@distill/core';
import synthetic from '../plugins/src/datasets/synthetic.js';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const DATA = { numFeatures: 12, numClasses: 4, samplesPerClass: 120, labelsPerClass: 10 };
const EPOCHS = 4;

let runDir: string;
let summary: { metrics: Record<string, number>; artifacts: string[] };
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const manifest = writeManifest(smallExperiment({
    backend: 'cpu',
    dataset: { type: 'synthetic', params: DATA },
    student: { type: 'mlp', params: { hidden: [24] } },
    training: { epochs: EPOCHS, batchSize: 32 },
    pruning: { finalSparsity: 0.6, startEpoch: 0, endEpoch: 3, frequency: 5 },
    export: { quantize: ['uint8', 'float16', 'float32'] },
  }));
  const out = mkdtempSync(join(tmpdir(), 'distill-compress-'));
  const result = await runCli(['run', manifest, '--out', out, '--quiet']);
  expect(result.code, result.stderr).toBe(0);
  runDir = join(out, /run directory: (.*)/.exec(result.stdout)![1].split('/').pop()!);
  summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
  server = createServer((request, response) => {
    const file = join(runDir, normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(runDir) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200);
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Predictions of each model directory of the run on the test split, computed by plain tfjs in its own process. */
async function deployedPredictions(paths: string[]): Promise<{ backend: string; predictions: Record<string, number[]>; labels: Int32Array }> {
  const dataset = (await buildPlugin(synthetic, DATA)) as Dataset;
  const inputs = join(mkdtempSync(join(tmpdir(), 'distill-inputs-')), 'x.f32');
  writeFileSync(inputs, new Uint8Array(dataset.test.x.buffer, dataset.test.x.byteOffset, dataset.test.x.byteLength));
  // Asynchronously: the HTTP server it loads from runs in this process.
  const child = await promisify(execFile)(process.execPath, [join(repoRoot, 'test/support/load-exported.mjs'), baseUrl, inputs, String(dataset.test.count), String(DATA.numFeatures), ...paths], {
    cwd: repoRoot, encoding: 'utf8', timeout: 120_000,
  });
  return { ...JSON.parse(child.stdout), labels: dataset.test.y };
}

const rate = (a: readonly number[], b: ArrayLike<number>) => a.filter((v, i) => v === b[i]).length / a.length;

describe('distill run with pruning and export', () => {
  it('loads every variant with plain tfjs in another process, with exactly the accuracy and agreement the run reported', async () => {
    const modes = ['uint8', 'float16', 'float32'];
    const { backend, predictions, labels } = await deployedPredictions(['student', ...modes.map((mode) => `export/${mode}`)]);
    expect(backend).toBe('cpu');
    expect(rate(predictions.student, labels)).toBe(summary.metrics['student/test/accuracy']);
    for (const mode of modes) {
      const p = predictions[`export/${mode}`];
      expect(rate(p, labels), mode).toBe(summary.metrics[`export/${mode}/test/accuracy`]);
      expect(rate(p, predictions.student), mode).toBe(summary.metrics[`export/${mode}/test/studentAgreement`]);
    }
    expect(predictions['export/float32']).toEqual(predictions.student);
  });

  it('stores uint8 weights in a quarter and float16 in half of the float32 bytes; pruned zeros make them compress', () => {
    const m = summary.metrics;
    expect(m['export/float32/weightBytes']).toBe(m['student/weightBytes']);
    expect(m['export/float16/weightBytes']).toBe(m['student/weightBytes'] / 2);
    expect(m['export/uint8/weightBytes']).toBe(m['student/weightBytes'] / 4);
    // The same size as gzip -9 makes of the file, give or take the header and the deflate implementation.
    expect(Math.abs(m['export/uint8/gzipBytes'] - gzipOf(join(runDir, 'export/uint8/weights.bin')))).toBeLessThan(32);
    // Trained float32 weights hardly compress (random mantissas); with 56% of them zero, gzip takes off more than 30%.
    expect(m['student/gzipBytes']).toBeLessThan(m['student/weightBytes'] * 0.7);
    expect(m['export/float16/gzipBytes']).toBeLessThan(m['export/float16/weightBytes'] * 0.75);
    expect(m['deployed/test/accuracy']).toBe(m['export/uint8/test/accuracy']);
    expect(summary.artifacts).toEqual(expect.arrayContaining(['export/uint8/model.json', 'export/uint8/weights.bin', 'export/export.json']));
  });

  it('prunes every kernel of the student to the final sparsity and logs it per layer', () => {
    const student = JSON.parse(readFileSync(join(runDir, 'student/model.json'), 'utf8'));
    const weights = readFileSync(join(runDir, 'student/weights.bin'));
    const values = new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
    let offset = 0;
    for (const spec of student.weightsManifest[0].weights as { name: string; shape: number[] }[]) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const zeros = values.subarray(offset, offset + size).filter((v) => v === 0).length;
      if (spec.name.endsWith('kernel')) expect(zeros, spec.name).toBe(Math.floor(0.6 * size));
      offset += size;
    }
    const points = metricPoints();
    expect(new Set(points.filter((p) => p.key.startsWith('student/sparsity/')).map((p) => p.key))).toEqual(new Set(['student/sparsity/hidden1', 'student/sparsity/logits']));
  });

  it('logs each validation point once, at the epoch it was measured', () => {
    for (const stage of ['student', 'baseline']) {
      const points = metricPoints().filter((p) => p.key === `${stage}/val/accuracy`);
      expect(points.map((p) => p.epoch), stage).toEqual(Array.from({ length: points.length }, (_, i) => i));
    }
    expect(metricPoints().filter((p) => p.key === 'student/val/accuracy')).toHaveLength(EPOCHS);
  });

  it('distill export adds another format to the run; an unknown format is refused with exit 2', async () => {
    const bad = await runCli(['export', runDir, '--quantize', 'uint16,int4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--quantize: unknown format "int4"; did you mean "uint8"? valid: float16, float32, uint16, uint8');
    const result = await runCli(['export', runDir, '--quantize', 'uint16', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/│ uint16 +│/);
    const updated = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(updated.metrics['export/uint16/weightBytes']).toBe(summary.metrics['student/weightBytes'] / 2);
    expect(updated.metrics['export/uint8/test/accuracy']).toBe(summary.metrics['export/uint8/test/accuracy']);
    // What ships is still what the manifest exported first.
    expect(updated.metrics['deployed/weightBytes']).toBe(summary.metrics['export/uint8/weightBytes']);
    const { predictions, labels } = await deployedPredictions(['export/uint16']);
    expect(rate(predictions['export/uint16'], labels)).toBe(updated.metrics['export/uint16/test/accuracy']);
  });
});

function metricPoints(): { key: string; epoch: number; step: number }[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

function gzipOf(file: string): number {
  return spawnSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 26 }).stdout.byteLength;
}
