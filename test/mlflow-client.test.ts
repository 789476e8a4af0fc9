// The MLflow client against a real `mlflow server` (started by test/setup/global-setup.ts): experiments, runs,
// batches over the limits, NaN/Infinity, long values, artifacts, errors, retries and auth through a fault proxy.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowClient, MlflowRestError, resolveMlflowConfig, type MlflowConfigOverrides, type MlflowRunInfo } from '@distill/core/tracking';
import { FaultProxy } from './setup/fault-proxy.js';

const uri = inject('mlflowUri');
const noHome = { HOME: '/nonexistent-home' };
const clientFor = (trackingUri: string, overrides: MlflowConfigOverrides = {}, env: Record<string, string> = {}) =>
  new MlflowClient(resolveMlflowConfig({ trackingUri, ...overrides }, { ...noHome, ...env }));
const unique = (prefix: string) => `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;

async function newRun(client: MlflowClient): Promise<MlflowRunInfo> {
  const experiment = await client.getOrCreateExperiment(unique('client'));
  return (await client.createRun({ experimentId: experiment.experiment_id, runName: 'client-test', startTime: Date.now() })).info;
}

describe('MlflowClient on a real MLflow server', () => {
  const client = clientFor(uri);

  it('gets-or-creates an experiment once when two creators race for the same name', async () => {
    const proxy = await FaultProxy.start(uri);
    try {
      // Hold both get-by-name calls until both arrived: both see "does not exist" and both try to create.
      proxy.inject({ kind: 'gate', count: 2 }, { count: 2, match: (_, path) => path.includes('/experiments/get-by-name') });
      const name = unique('race');
      const [a, b] = await Promise.all([clientFor(proxy.uri).getOrCreateExperiment(name), clientFor(proxy.uri).getOrCreateExperiment(name)]);
      expect(proxy.seen.filter((r) => r.path.endsWith('/experiments/create'))).toHaveLength(2);
      expect(a.experiment_id).toBe(b.experiment_id);
      expect(a.name).toBe(name);
      const again = await client.getOrCreateExperiment(name);
      expect(again.experiment_id).toBe(a.experiment_id);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a deleted experiment with a clear message', async () => {
    const name = unique('deleted');
    const id = await client.createExperiment(name);
    const response = await fetch(`${uri}/api/2.0/mlflow/experiments/delete`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_id: id }),
    });
    expect(response.status).toBe(200);
    await expect(client.getOrCreateExperiment(name)).rejects.toThrow(/is deleted/);
  });

  it('logs a batch far over the per-request limits, every entity exactly once', async () => {
    const run = await newRun(client);
    const t0 = Date.now();
    const metrics = Array.from({ length: 2600 }, (_, i) => ({ key: `m${i % 4}`, value: i / 10, step: Math.floor(i / 4), timestamp: t0 + i }));
    const params = Array.from({ length: 230 }, (_, i) => ({ key: `p.${i}`, value: `v${i}` }));
    const tags = Array.from({ length: 140 }, (_, i) => ({ key: `t.${i}`, value: `w${i}` }));
    await client.logBatch(run.run_id, { metrics, params, tags });
    const stored = await client.getRun(run.run_id);
    expect(stored.data.params).toHaveLength(230);
    expect(new Map(stored.data.params.map((p) => [p.key, p.value])).get('p.229')).toBe('v229');
    expect(stored.data.tags.filter((t) => t.key.startsWith('t.'))).toHaveLength(140);
    for (let k = 0; k < 4; k++) {
      const history = await client.getMetricHistory(run.run_id, `m${k}`);
      expect(history).toHaveLength(650);
      expect(history.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 650 }, (_, s) => s));
      expect(history.find((m) => m.step === 100)?.value).toBeCloseTo((100 * 4 + k) / 10);
    }
  });

  it('round-trips NaN, and ±Infinity as the ±max double MLflow\'s SQL store keeps', async () => {
    const run = await newRun(client);
    const t = Date.now();
    await client.logBatch(run.run_id, {
      metrics: [
        { key: 'odd', value: NaN, step: 0, timestamp: t },
        { key: 'odd', value: Infinity, step: 1, timestamp: t },
        { key: 'odd', value: -Infinity, step: 2, timestamp: t },
        { key: 'odd', value: 0.5, step: 3, timestamp: t },
      ],
    });
    const history = (await client.getMetricHistory(run.run_id, 'odd')).sort((a, b) => a.step - b.step);
    expect(history[0].value).toBeNaN();
    // "Sql can not represent Infs": mlflow/store/tracking/sqlalchemy_store.py clamps them to ±sys.float_info.max.
    expect(history[1].value).toBe(Number.MAX_VALUE);
    expect(history[2].value).toBe(-Number.MAX_VALUE);
    expect(history[3].value).toBe(0.5);
  });

  it('cuts over-long values and keys to MLflow\'s limits instead of failing', async () => {
    const run = await newRun(client);
    const longKey = `k${'x'.repeat(299)}`;
    await client.logBatch(run.run_id, {
      params: [{ key: 'long', value: 'p'.repeat(7000) }, { key: 'bad key@1', value: 'x' }],
      tags: [{ key: 'long.tag', value: 't'.repeat(9000) }, { key: longKey, value: 'long key' }],
    });
    const stored = await client.getRun(run.run_id);
    const param = stored.data.params.find((p) => p.key === 'long')!;
    expect(param.value).toHaveLength(6000);
    expect(param.value.endsWith('...')).toBe(true);
    expect(stored.data.params.find((p) => p.key === 'bad key_1')?.value).toBe('x');
    expect(stored.data.tags.find((t) => t.key === 'long.tag')?.value).toHaveLength(8000);
    const shortened = stored.data.tags.find((t) => t.value === 'long key')!;
    expect(shortened.key).toHaveLength(250);
  });

  it('uploads artifacts through the artifact proxy and downloads them byte-identical', async () => {
    const run = await newRun(client);
    const weights = randomBytes(3 * 1024 * 1024 + 17);
    const manifest = Buffer.from('{"name":"kd"}\n');
    await client.uploadArtifact(run, 'student/weights.bin', weights);
    await client.uploadArtifact(run, 'student/model.json', manifest);
    await client.uploadArtifact(run, 'summary.json', manifest);
    const files = await client.listAllArtifacts(run.run_id);
    expect(files.map((f) => f.path).sort()).toEqual(['student/model.json', 'student/weights.bin', 'summary.json']);
    expect(files.find((f) => f.path === 'student/weights.bin')?.file_size).toBe(weights.length);
    expect(Buffer.from(await client.downloadArtifact(run, 'student/weights.bin')).equals(weights)).toBe(true);
    expect(Buffer.from(await client.downloadArtifact(run, 'student/model.json')).equals(manifest)).toBe(true);
  });

  it('throws MlflowRestError with the server\'s status, code and endpoint', async () => {
    const error = await client.getRun('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowRestError);
    expect(error).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', endpoint: '/api/2.0/mlflow/runs/get' });
  });
});

describe('MlflowClient retries and auth through a fault proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await FaultProxy.start(uri);
  });
  afterAll(async () => {
    await proxy.close();
  });

  const fast: MlflowConfigOverrides = { maxRetries: 4, backoffFactor: 0.05, backoffJitter: 0 };

  it('retries 503s with backoff and succeeds', async () => {
    proxy.inject({ kind: 'status', status: 503 }, { count: 3, match: (_, p) => p.includes('/runs/log-batch') });
    const c = clientFor(proxy.uri, fast);
    const run = await newRun(c);
    const before = proxy.faultsOf('status');
    await c.logBatch(run.run_id, { params: [{ key: 'a', value: '1' }] });
    expect(proxy.faultsOf('status') - before).toBe(3);
    expect((await client().getRun(run.run_id)).data.params).toEqual([{ key: 'a', value: '1' }]);
  });

  it('honours Retry-After on 429', async () => {
    const c = clientFor(proxy.uri, { ...fast, backoffFactor: 0 });
    const run = await newRun(c);
    proxy.inject({ kind: 'status', status: 429, retryAfter: '2' }, { count: 1, match: (_, p) => p.includes('/runs/log-batch') });
    const started = Date.now();
    await c.logBatch(run.run_id, { tags: [{ key: 'x', value: 'y' }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('retries dropped connections, and an answer lost after the server logged the batch leaves no duplicate', async () => {
    const c = clientFor(proxy.uri, fast);
    const run = await newRun(c);
    proxy.inject({ kind: 'drop' }, { count: 1, match: (_, p) => p.includes('/runs/log-batch') });
    proxy.inject({ kind: 'drop-response' }, { count: 1, match: (_, p) => p.includes('/runs/log-batch') });
    const t = Date.now();
    await c.logBatch(run.run_id, { metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), step, timestamp: t + step })) });
    expect(proxy.faultsOf('drop')).toBeGreaterThanOrEqual(1);
    expect(proxy.faultsOf('drop-response')).toBeGreaterThanOrEqual(1);
    expect(await client().getMetricHistory(run.run_id, 'loss')).toHaveLength(3);
  });

  it('gives up after MLFLOW_HTTP_REQUEST_MAX_RETRIES with a timeout error naming the variable', async () => {
    const c = clientFor(proxy.uri, {}, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0', MLFLOW_HTTP_REQUEST_TIMEOUT: '0.5' });
    proxy.inject({ kind: 'delay', ms: 1500 }, { count: 2, match: (_, p) => p.includes('/experiments/get-by-name') });
    const error = await c.getExperimentByName('whatever').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, errorCode: 'REQUEST_TIMEOUT' });
    expect(String((error as Error).message)).toMatch(/MLFLOW_HTTP_REQUEST_TIMEOUT/);
  });

  it('sends Basic credentials (from the URI or the environment) and bearer tokens, and never shows them in errors', async () => {
    const c = clientFor(proxy.uri.replace('http://', 'http://alice:pa55word@'));
    const error = await c.getRun('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    const basic = proxy.seen.at(-1)!.headers.authorization;
    expect(basic).toBe(`Basic ${Buffer.from('alice:pa55word').toString('base64')}`);
    expect(JSON.stringify(error)).not.toContain('pa55word');
    expect(String(error)).not.toContain('pa55word');
    expect(c.trackingUri).toBe(proxy.uri);

    await clientFor(proxy.uri, {}, { MLFLOW_TRACKING_TOKEN: 'tok-123456' }).getExperimentByName('Default');
    expect(proxy.seen.at(-1)!.headers.authorization).toBe('Bearer tok-123456');
    await clientFor(proxy.uri, {}, { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'hunter22' }).getExperimentByName('Default');
    expect(proxy.seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('bob:hunter22').toString('base64')}`);
  });

  const client = () => clientFor(uri);

  it('reaches an HTTPS server with a self-signed certificate only when MLFLOW_TRACKING_INSECURE_TLS is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const tlsProxy = await FaultProxy.start(uri, { tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') } });
    try {
      expect(tlsProxy.uri).toMatch(/^https:/);
      const strict = clientFor(tlsProxy.uri, { maxRetries: 0 });
      await expect(strict.getExperimentByName('Default')).rejects.toMatchObject({ status: 0, errorCode: 'CONNECTION_ERROR' });
      const insecure = clientFor(tlsProxy.uri, { maxRetries: 0 }, { MLFLOW_TRACKING_INSECURE_TLS: 'true' });
      expect((await insecure.getExperimentByName('Default'))?.experiment_id).toBe('0');
    } finally {
      await tlsProxy.close();
    }
  });
});
