// A teacher behind HTTP, through the real CLI against a real node:http server started here, which answers with a
// saved tfjs model's predictions: a student distilled through the endpoint learns what it learns from the saved model;
// answers are cached (a rerun asks nothing); binary float32 requests and top-k probabilities work; a slow endpoint
// times out, a failing one is retried and then fails the run naming the teacher and the batch (keeping the cache), and
// an answer of the wrong shape is refused before training. An endpoint that wants a bearer token gets it from an
// environment variable named in `headers`; without it (or with the variable unset) validate says so.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initBackend, loadModelFiles } from '@distill/core';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { mlflowState } from './setup/mlflow-run-fixture.js';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

interface Summary {
  runId: string;
  status: string;
  error?: string;
  metrics: Record<string, number>;
}

/** What the server saw, per path. */
const seen: Record<string, { requests: number; contentTypes: Set<string>; authorizations: Set<string>; tenants: Set<string> }> = {};
/** The one token `/private` accepts. */
const TOKEN = 'tok-3b9f1e0c7a';
let server: Server;
let base = '';
let model: tf.LayersModel;
let modelPath = '';

/** Every run here computes on the plain cpu backend, as the server does: the same numbers on both sides. */
const experiment = (overrides: Record<string, unknown>) => smallExperiment({ backend: 'cpu', training: { epochs: 2, batchSize: 32 }, ...overrides });

async function run(manifest: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const out = mkdtempSync(join(tmpdir(), 'http-teacher-'));
  const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json'], { env });
  const runDir = join(out, readdirSync(out)[0] ?? '');
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary;
  // A run that failed before its first step has no metrics yet.
  const metrics = existsSync(join(runDir, 'metrics.jsonl')) ? readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim() : '';
  const points = metrics ? metrics.split('\n').map((line) => JSON.parse(line) as { key: string; step: number; value: number }) : [];
  const tags = JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8')) as Record<string, string>;
  return { result, summary, points, tags };
}

const teacher = (path: string, params: Record<string, unknown> = {}) => ({ type: 'http-teacher', params: { url: `${base}${path}`, backoffMs: 10, ...params } });

/** Inputs of a request, JSON or float32 (checked against the shape header), as rows. */
async function inputsOf(request: IncomingMessage): Promise<number[][]> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (request.headers['content-type'] === 'application/vnd.distill.float32') {
    const [count, width] = String(request.headers['x-distill-shape']).split(',').map(Number);
    const floats = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    expect(floats.length).toBe(count * width);
    return Array.from({ length: count }, (_, r) => Array.from(floats.subarray(r * width, (r + 1) * width)));
  }
  return (JSON.parse(body.toString('utf8')) as { inputs: number[][] }).inputs;
}

function answer(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  const stats = (seen[path] ??= { requests: 0, contentTypes: new Set(), authorizations: new Set(), tenants: new Set() });
  stats.requests++;
  stats.contentTypes.add(String(request.headers['content-type']));
  stats.authorizations.add(String(request.headers.authorization));
  stats.tenants.add(String(request.headers['x-tenant']));
  const inputs = await inputsOf(request);
  if (path === '/private' && request.headers.authorization !== `Bearer ${TOKEN}`) return answer(response, 401, { error: 'a bearer token is required' });
  const logits = tf.tidy(() => model.predict(tf.tensor2d(inputs)) as tf.Tensor2D).arraySync();
  if (path === '/slow') await new Promise((resolve) => setTimeout(resolve, 1500));
  if (path === '/unavailable' && stats.requests > 3) return answer(response, 503, { error: 'overloaded' });
  if (path === '/transient' && stats.requests % 2 === 1) return answer(response, 503, { error: 'try again' }, { 'retry-after': '0' });
  if (path === '/wrong-shape') return answer(response, 200, { logits: logits.map((row) => row.slice(1)) });
  if (path === '/top2') {
    const top = tf.tidy(() => tf.topk(tf.softmax(tf.tensor2d(logits)), 2));
    const [values, indices] = [top.values.arraySync() as number[][], top.indices.arraySync() as number[][]];
    tf.dispose([top.values, top.indices]);
    return answer(response, 200, { probabilities: values.map((row, i) => ({ classes: indices[i], values: row })) });
  }
  answer(response, 200, { logits }, { 'x-model-version': 'teacher-v7' });
}

beforeAll(async () => {
  await initBackend('cpu');
  // A small teacher trained by a real run, then served by this process.
  const out = mkdtempSync(join(tmpdir(), 'http-teacher-trained-'));
  const trained = await runCli(['run', writeManifest(smallExperiment({ backend: 'cpu', training: { epochs: 1, batchSize: 32, baseline: false } })), '--out', out, '--quiet']);
  expect(trained.code).toBe(0);
  modelPath = join(out, readdirSync(out)[0], 'teacher', 'model.json');
  model = await loadModelFiles(modelPath);
  server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => answer(response, 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  model?.dispose();
});

/** What the student and the baseline learned, step by step, and the teacher's test scores. */
const learned = (points: { key: string; step: number; value: number }[]) =>
  points.filter((p) => /^(student|baseline)\/(train\/loss|val\/accuracy|test\/accuracy)/.test(p.key)).map((p) => [`${p.key}@${p.step}`, p.value] as const);

describe('http-teacher', () => {
  it('teaches what the served model teaches, records the endpoint and model version, and never asks twice', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'http-cache-'));
    const env = { DISTILL_CACHE_DIR: cacheDir };
    const reference = await run(experiment({ teacher: { type: 'tfjs-model', params: { path: modelPath } } }));
    const remote = await run(experiment({ teacher: teacher('/teacher', { batchSize: 50, concurrency: 3 }) }), env);
    expect(remote.result.stderr).toBe('');
    expect(remote.summary.status).toBe('FINISHED');
    expect(remote.summary.metrics['teacher/test/accuracy']).toBe(reference.summary.metrics['teacher/test/accuracy']);
    const expected = learned(reference.points);
    expect(expected.length).toBeGreaterThan(30);
    learned(remote.points).forEach(([key, value], i) => {
      expect(key).toBe(expected[i][0]);
      expect(value).toBeCloseTo(expected[i][1], 4);
    });
    expect(remote.tags['distill.teacher.source.url']).toBe(`${base}/teacher`);
    expect(remote.tags['distill.teacher.source.modelVersion']).toBe('teacher-v7');
    // 1 sample when the teacher is built, then train (336 = 256 + 80), validation (48) and test (96), each batch of
    // distill's in requests of at most 50 samples.
    expect(seen['/teacher'].requests).toBe(1 + (6 + 2) + 1 + 2);
    expect([...seen['/teacher'].contentTypes]).toEqual(['application/json']);

    const again = await run(experiment({ teacher: teacher('/teacher', { batchSize: 50, concurrency: 3 }) }), env);
    expect(again.summary.status).toBe('FINISHED');
    expect(seen['/teacher'].requests).toBe(12);
    expect(again.summary.metrics).toMatchObject(Object.fromEntries(Object.entries(remote.summary.metrics).filter(([key]) => !/latency|speedup/.test(key))));
    expect(again.tags['distill.teacher.source.modelVersion']).toBe('teacher-v7');
  });

  it('sends float32 bodies and learns from top-k probabilities through kl-divergence; retries what is transient', async () => {
    const env = { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'http-cache-')) };
    const top2 = await run(experiment({ teacher: teacher('/top2', { encoding: 'float32', outputs: 'probabilities', batchSize: 128 }) }), env);
    expect(top2.result.stderr).toBe('');
    expect(top2.summary.status).toBe('FINISHED');
    expect([...seen['/top2'].contentTypes]).toEqual(['application/vnd.distill.float32']);
    expect(top2.points.filter((p) => p.key === 'student/train/loss/kl-divergence').every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true);

    const transient = await run(experiment({ teacher: teacher('/transient', { batchSize: 128, concurrency: 1 }) }), env);
    expect(transient.summary.status).toBe('FINISHED');
    // Every request was refused once: twice as many requests as answers (1 + 3 + 1 + 1 answers).
    expect(seen['/transient'].requests).toBe(2 * 6);
  });

  it('fails the run naming the teacher and the batch when the endpoint keeps failing, keeping what it cached', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'http-cache-'));
    const failed = await run(experiment({ teacher: teacher('/unavailable', { batchSize: 100, concurrency: 1, retries: 2 }) }), { DISTILL_CACHE_DIR: cacheDir });
    expect(failed.result.code).toBe(1);
    expect(failed.summary.status).toBe('FAILED');
    expect(failed.summary.error).toBe(`teacher at /teacher (http-teacher ${base}/unavailable): batch 0 of the train split, samples 200–255 failed after 3 attempts: HTTP 503 Service Unavailable: {"error":"overloaded"}`);
    expect(failed.result.stderr).not.toMatch(/\n\s+at /);
    // The first sample and the first two requests were answered and kept.
    expect(readdirSync(join(cacheDir, 'http-teacher')).filter((name) => name.endsWith('.json'))).toHaveLength(3);
  });

  it('refuses, before training, an endpoint that is too slow or answers the wrong shape', async () => {
    const env = { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'http-cache-')) };
    const slow = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/slow', { timeoutMs: 300, retries: 1 }) }))], { env });
    expect(slow.stderr).toMatch(new RegExp(`^\\S+:\\d+:\\d+: /teacher: teacher at /teacher \\(http-teacher ${base}/slow\\): the first training sample failed after 2 attempts: no answer within 300 ms\\n$`));
    expect(slow.code).toBe(2);
    const wrong = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/wrong-shape') }))], { env });
    expect(wrong.stderr).toMatch(/\/teacher: teacher at \/teacher \(http-teacher \S+\/wrong-shape\): the first training sample: the answer does not fit: row 0: it has 3 values, but the dataset has 4 classes\n$/);
    expect(wrong.code).toBe(2);
    const logitLoss = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/top2', { outputs: 'probabilities' }), plugins: [join(process.cwd(), 'test/fixtures/plugins/logit-mse.mjs')], losses: [{ type: 'logit-mse' }] }))], { env });
    expect(logitLoss.stderr).toMatch(/\/losses\/0: loss "logit-mse" needs the teacher's logits, but teacher \(a teacher source\) gives only probabilities\n$/);
    expect(logitLoss.code).toBe(2);
  });

  it('is shown in MLflow: the endpoint and the model version as tags, its params as params', async () => {
    const out = mkdtempSync(join(tmpdir(), 'http-teacher-mlflow-'));
    const env = { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'http-cache-')), MLFLOW_TRACKING_URI: inject('mlflowUri'), MLFLOW_EXPERIMENT_NAME: 'distill-teachers' };
    const result = await runCli(['run', writeManifest(experiment({ teacher: teacher('/versioned', { batchSize: 128 }) })), '--out', out, '--quiet'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { runId } = mlflowState(join(out, readdirSync(out)[0]));
    const client = new MlflowClient(resolveMlflowConfig({ trackingUri: inject('mlflowUri') }, { HOME: '/nonexistent-home' }));
    const run = await client.getRun(runId!);
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'distill.teacher.source.url': `${base}/versioned`, 'distill.teacher.source.modelVersion': 'teacher-v7', 'distill.teacher.source.outputs': 'logits', 'distill.teacher.source.encoding': 'json' });
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    expect(params).toMatchObject({ 'teacher.type': 'http-teacher', 'teacher.params.url': `${base}/versioned`, 'teacher.params.batchSize': '128' });
  });

  it('sends a bearer token read from the environment; without it validate names the teacher and the 401, or the unset variable', async () => {
    const env = { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'http-cache-')) };
    const bare = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/private', { retries: 0 }) }))], { env });
    expect(bare.stderr).toMatch(new RegExp(`^\\S+:\\d+:\\d+: /teacher: teacher at /teacher \\(http-teacher ${base}/private\\): the first training sample failed after 1 attempt: HTTP 401 Unauthorized: \\{"error":"a bearer token is required"\\}\\n$`));
    expect(bare.code).toBe(2);

    const headers = { Authorization: { env: 'PRIVATE_TEACHER_BEARER', prefix: 'Bearer ' }, 'X-Tenant': 'lab-4' };
    const unset = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/private', { headers }) }))], { env });
    expect(unset.stderr).toMatch(/\/teacher: http-teacher: "headers"\."Authorization" takes its value from the environment variable PRIVATE_TEACHER_BEARER, which is not set; set it where distill runs \(export PRIVATE_TEACHER_BEARER=…\)\n$/);
    expect(unset.code).toBe(2);

    const inClear = await runCli(['validate', writeManifest(experiment({ teacher: teacher('/private', { headers: { Authorization: `Bearer ${TOKEN}` } }) }))], { env });
    expect(inClear.stderr).toMatch(/"headers"\."Authorization" looks like a credential written in the manifest, where it would be recorded; put it in an environment variable and write \{"env": "TEACHER_TOKEN", "prefix": "Bearer "\}\n$/);
    expect(inClear.stderr).not.toContain(TOKEN);
    expect(inClear.code).toBe(2);
    expect(seen['/private'].requests).toBe(1);

    const authorized = await run(experiment({ teacher: teacher('/private?api_key=qk-55e0a1d2', { headers, batchSize: 128 }) }), { ...env, PRIVATE_TEACHER_BEARER: TOKEN });
    expect(authorized.result.stderr).toBe('');
    expect(authorized.summary.status).toBe('FINISHED');
    expect([...seen['/private'].authorizations]).toEqual(['undefined', `Bearer ${TOKEN}`]);
    expect([...seen['/private'].tenants]).toEqual(['undefined', 'lab-4']);
    // The key in the URL is recorded masked; the header's variable by name only.
    expect(authorized.tags['distill.teacher.source.url']).toBe(`${base}/private?api_key=***`);
    const requests = seen['/private'].requests;
    expect(requests).toBe(1 + 1 + (3 + 1 + 1));

    // Another token (a rotated one) asks nothing again: the cache key does not depend on secrets.
    const rotated = await run(experiment({ teacher: teacher('/private?api_key=qk-9911ffee', { headers, batchSize: 128 }) }), { ...env, PRIVATE_TEACHER_BEARER: 'another-token-77' });
    expect(rotated.summary.status).toBe('FINISHED');
    expect(seen['/private'].requests).toBe(requests);
  });
});
