// Secrets never leave the process in clear: with credentials in MLFLOW_TRACKING_URI, MLFLOW_TRACKING_PASSWORD,
// MLFLOW_TRACKING_TOKEN, a --tracking-uri flag and a manifest description, a run that finishes, one that fails with an
// error quoting them, and one interrupted with SIGINT write none of them to stdout, stderr, any file of the run
// directory, or MLflow (params, tags, description), while the run still reaches the real MLflow server. An
// http-teacher's bearer token, read from an environment variable not named like a secret (so only the plugin's
// declaration masks it), and an api_key in its URL never appear either, even when the endpoint quotes them back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { repoRoot, runCli, smallExperiment, writeManifest, type CliResult } from './support/cli.js';

const server = new URL(inject('mlflowUri'));
const SECRETS = { uri: 'URIPASS-7f3a61', password: 'ENVPASS-9c2e44', token: 'TOKEN-51d0ab77', description: 'DESCPASS-aa81c3', flag: 'FLAGPASS-c0de12', teacherToken: 'BEARER-e4c1d09b', teacherKey: 'QUERYKEY-72aa3f' };
const withUser = (user: string, password: string) => `http://${user}:${password}@${server.host}`;
const client = new MlflowClient(resolveMlflowConfig({ trackingUri: server.origin }, { HOME: '/nonexistent-home' }));

function environment(experimentName: string): NodeJS.ProcessEnv {
  return {
    MLFLOW_TRACKING_URI: withUser('alice', SECRETS.uri),
    MLFLOW_TRACKING_PASSWORD: SECRETS.password,
    MLFLOW_TRACKING_USERNAME: 'alice',
    MLFLOW_TRACKING_TOKEN: SECRETS.token,
    MLFLOW_EXPERIMENT_NAME: experimentName,
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1',
  };
}

function manifest(overrides: Record<string, unknown> = {}): string {
  return writeManifest(smallExperiment({ description: `data from https://bob:${SECRETS.description}@data.example/digits`, ...overrides }));
}

/** Every planted secret found in `text`, by name. */
function leaked(text: string): string[] {
  return Object.entries(SECRETS).filter(([, secret]) => text.includes(secret)).map(([name]) => name);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function expectNothingLeaked(result: CliResult, out: string): Promise<string> {
  expect(leaked(result.stdout), 'stdout').toEqual([]);
  expect(leaked(result.stderr), 'stderr').toEqual([]);
  const [runId] = readdirSync(out);
  const runDir = join(out, runId);
  const files = filesUnder(runDir);
  expect(files.map((f) => f.slice(runDir.length + 1))).toEqual(expect.arrayContaining(['events.jsonl', 'summary.json', 'run.log', 'manifest.resolved.json']));
  for (const file of files) expect(leaked(readFileSync(file, 'latin1')), file).toEqual([]);
  // MLflow has the run, and none of its params, tags or description holds a secret.
  const mlflowRunId = (JSON.parse(readFileSync(join(runDir, 'mlflow.json'), 'utf8')) as { runId: string }).runId;
  const run = await client.getRun(mlflowRunId);
  const texts = [...(run.data.params ?? []), ...(run.data.tags ?? [])].flatMap(({ key, value }) => [key, value]);
  expect(texts.length).toBeGreaterThan(10);
  expect(leaked(texts.join('\n')), 'MLflow params and tags').toEqual([]);
  return runDir;
}

describe('secrets', () => {
  it('a finished run: the description is recorded masked, the run reaches MLflow with the credentials', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secrets-'));
    const result = await runCli(['run', manifest(), '--out', out], { env: environment(`secrets-ok-${Date.now()}`) });
    expect(result.code, result.stderr).toBe(0);
    const runDir = await expectNothingLeaked(result, out);
    const resolved = JSON.parse(readFileSync(join(runDir, 'manifest.resolved.json'), 'utf8'));
    expect(resolved.description).toBe('data from https://bob:***@data.example/digits');
    expect(resolved.tracking).toEqual(expect.objectContaining({ type: 'mlflow', params: expect.objectContaining({ trackingUri: server.origin }) }));
  });

  it('a failed run whose error quotes the URI, the password and the token (with --tracking-uri credentials too)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secrets-'));
    const leaky = manifest({ plugins: [join(repoRoot, 'test/fixtures/plugins/leaky-loss.mjs')], losses: [{ type: 'leaky-loss' }] });
    const result = await runCli(['run', leaky, '--out', out, '--tracking-uri', withUser('carol', SECRETS.flag)], { env: environment(`secrets-failed-${Date.now()}`) });
    expect(result.code).toBe(1);
    // The error is reported, masked: the place and the cause survive.
    expect(result.stderr).toMatch(/cannot reach http:\/\/alice:\*\*\*@127\.0\.0\.1:\d+ \(token \*\*\*, password \*\*\*\)/);
    const runDir = await expectNothingLeaked(result, out);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).error).toMatch(/token \*\*\*/);
  });

  it('a run interrupted with SIGINT', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secrets-'));
    let sent = false;
    const result = await runCli(['run', manifest({ training: { epochs: 40, batchSize: 8 } }), '--out', out], {
      env: environment(`secrets-killed-${Date.now()}`),
      onSpawn: (child) => {
        const poll = setInterval(() => {
          const [runId] = existsSync(out) ? readdirSync(out) : [];
          const metrics = runId ? join(out, runId, 'metrics.jsonl') : '';
          if (metrics && existsSync(metrics) && readFileSync(metrics, 'utf8').includes('student/train/loss')) {
            clearInterval(poll);
            sent = child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    await expectNothingLeaked(result, out);
  });

  it('an http-teacher with a bearer token from the environment and a key in its URL, quoted back by the endpoint', async () => {
    const env = { ...environment(`secrets-teacher-${Date.now()}`), HTTP_TEACHER_BEARER: SECRETS.teacherToken, DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'secrets-cache-')) };
    const headers = { Authorization: { env: 'HTTP_TEACHER_BEARER', prefix: 'Bearer ' } };
    const teacher = (path: string) => ({ type: 'http-teacher', params: { url: `${teacherBase}${path}?api_key=${SECRETS.teacherKey}`, headers, retries: 0 } });
    const out = mkdtempSync(join(tmpdir(), 'secrets-'));
    const result = await runCli(['run', manifest({ teacher: teacher('/quoting') }), '--out', out], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(teacherSaw).toContain(`Bearer ${SECRETS.teacherToken} ${SECRETS.teacherKey}`);
    const runDir = await expectNothingLeaked(result, out);
    // The model version the endpoint named, quoting the secrets, is recorded masked; the URL with its key masked.
    const mlflowRunId = (JSON.parse(readFileSync(join(runDir, 'mlflow.json'), 'utf8')) as { runId: string }).runId;
    const tags = Object.fromEntries(((await client.getRun(mlflowRunId)).data.tags ?? []).map(({ key, value }) => [key, value]));
    expect(tags['distill.teacher.source.modelVersion']).toBe('v1 for Bearer *** with ***');
    expect(tags['distill.teacher.source.url']).toBe(`${teacherBase}/quoting?api_key=***`);

    // Refused, with an error body quoting them: validate's message keeps the status and the place, masked.
    const refused = await runCli(['run', manifest({ teacher: teacher('/refusing') }), '--out', mkdtempSync(join(tmpdir(), 'secrets-'))], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/http-teacher \S+\/refusing\?api_key=\*\*\*\): the first training sample failed after 1 attempt: HTTP 401 Unauthorized: \{"error":"Bearer \*\*\* is not allowed"\}/);
    expect(leaked(refused.stdout + refused.stderr)).toEqual([]);
  });
});

/** An endpoint teaching nothing (zero logits, 4 classes) that quotes the credentials it was sent. */
let teacherServer: Server;
let teacherBase = '';
const teacherSaw: string[] = [];

beforeAll(async () => {
  teacherServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      const authorization = String(request.headers.authorization);
      const key = url.searchParams.get('api_key') ?? '';
      teacherSaw.push(`${authorization} ${key}`);
      if (url.pathname === '/refusing') {
        response.writeHead(401, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ error: `${authorization} is not allowed` }));
      }
      const { inputs } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { inputs: number[][] };
      response.writeHead(200, { 'content-type': 'application/json', 'x-model-version': `v1 for ${authorization} with ${key}` });
      response.end(JSON.stringify({ logits: inputs.map(() => [0, 0, 0, 0]) }));
    });
  });
  await new Promise<void>((resolve) => teacherServer.listen(0, '127.0.0.1', resolve));
  teacherBase = `http://127.0.0.1:${(teacherServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => teacherServer?.close(resolve));
});
