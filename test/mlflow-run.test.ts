// `distill run` against a real MLflow server, through the real CLI: what a run records in MLflow, SIGINT -> KILLED,
// a NaN loss -> FAILED, and a server stopped mid-run whose gap `distill sync` fills exactly once.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { MlflowServer } from './setup/mlflow-server.js';
import { expectRunInMlflow, journalExpectations, mlflowState } from './setup/mlflow-run-fixture.js';

const uri = inject('mlflowUri');
const clientFor = (trackingUri: string) => new MlflowClient(resolveMlflowConfig({ trackingUri }, { HOME: '/nonexistent-home' }));
const fastRetries = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.1' };

function onlyRunDir(out: string): string {
  const dirs = readdirSync(out).filter((name) => existsSync(join(out, name, 'events.jsonl')));
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

function tagsOf(run: { data: { tags: readonly { key: string; value: string }[] } }): Record<string, string> {
  return Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
}

describe('distill run with MLFLOW_TRACKING_URI', () => {
  it('shows the run in MLflow: params, per-step metric curves, tags, artifacts incl. the student model, FINISHED', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const result = await runCli(['run', writeManifest(smallExperiment()), '--out', out, '--quiet'], {
      env: { MLFLOW_TRACKING_URI: uri, MLFLOW_EXPERIMENT_NAME: 'distill-e2e' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runDir = onlyRunDir(out);
    const state = mlflowState(runDir);
    expect(state.deliveredSeq).toBe(journalExpectations(runDir).events.length);
    const client = clientFor(uri);
    await expectRunInMlflow(client, runDir, state.runId!);

    const run = await client.getRun(state.runId!);
    expect(run.info.experiment_id).toBe((await client.getExperimentByName('distill-e2e'))!.experiment_id);
    expect(run.info.run_name).toBe('small');
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    expect(params).toMatchObject({ 'losses.0.params.temperature': '4', 'losses.0.weight': '0.9', 'training.batchSize': '32', 'dataset.type': 'synthetic' });
    // What ran is recorded: the tracker MLFLOW_TRACKING_URI chose, where it sent the run, and why.
    expect(params).toMatchObject({ 'tracking.type': 'mlflow', 'tracking.params.trackingUri': uri, 'tracking.params.experimentName': 'distill-e2e' });
    expect(tagsOf(run)['distill.tracking.chosenBy']).toBe('MLFLOW_TRACKING_URI');
    expect(JSON.parse(readFileSync(join(runDir, 'manifest.resolved.json'), 'utf8')).tracking).toEqual({
      type: 'mlflow',
      params: { trackingUri: uri, experimentName: 'distill-e2e', flushTimeoutSeconds: 30, retryIntervalSeconds: 10 },
    });
    const tags = tagsOf(run);
    expect(tags).toMatchObject({ 'mlflow.runName': 'small', 'mlflow.source.type': 'LOCAL', 'mlflow.note.content': 'synthetic clusters, for tests' });
    expect(tags['mlflow.user']).toBeTruthy();
    expect(tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(tags).filter((key) => key.startsWith('distill.')).length).toBeGreaterThan(1);

    // A real curve: one point per training step, in step order, exactly as metrics.jsonl has it.
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; step: number; value: number });
    const local = lines.filter((m) => m.key === 'student/train/loss');
    const history = await client.getMetricHistory(state.runId!, 'student/train/loss');
    expect(local.length).toBeGreaterThan(10);
    expect(history.map((m) => [m.step, m.value])).toEqual(local.map((m) => [m.step, m.value]));

    const artifacts = (await client.listAllArtifacts(state.runId!)).map((f) => f.path);
    expect(artifacts).toEqual(expect.arrayContaining(['manifest.resolved.json', 'summary.json', 'metrics.jsonl', 'run.log', 'student/model.json', 'student/weights.bin']));
    const weights = await client.downloadArtifact(run.info, 'student/weights.bin');
    expect(Buffer.from(weights).equals(readFileSync(join(runDir, 'student/weights.bin')))).toBe(true);

    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { metrics: Record<string, number> };
    const finals = new Map(run.data.metrics.map((m) => [m.key, m.value]));
    for (const [key, value] of Object.entries(summary.metrics)) expect(finals.get(key), key).toBeCloseTo(value, 10);
  });

  it('ends a run interrupted with SIGINT as KILLED in MLflow, within seconds', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const manifest = writeManifest(smallExperiment({ training: { epochs: 400, batchSize: 8 } }));
    let signalledAt = 0;
    const result = await runCli(['run', manifest, '--out', out], {
      env: { MLFLOW_TRACKING_URI: uri },
      onSpawn: (child) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          if (!signalledAt && chunk.toString().includes('student stage')) {
            signalledAt = Date.now();
            setTimeout(() => child.kill('SIGINT'), 1500);
          }
        });
      },
    });
    const exitedAfter = Date.now() - signalledAt - 1500;
    expect(signalledAt).toBeGreaterThan(0);
    expect(result.code).toBe(130);
    expect(exitedAfter).toBeLessThan(10_000);
    const runDir = onlyRunDir(out);
    const run = await clientFor(uri).getRun(mlflowState(runDir).runId!);
    expect(run.info.status).toBe('KILLED');
    await expectRunInMlflow(clientFor(uri), runDir, run.info.run_id);
  });

  it('ends a run whose loss goes NaN as FAILED in MLflow, with the error where MLflow users look', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const manifest = writeManifest(smallExperiment({ optimizer: { type: 'sgd', params: { learningRate: 1e30 } } }));
    const result = await runCli(['run', manifest, '--out', out, '--quiet'], { env: { MLFLOW_TRACKING_URI: uri } });
    expect(result.code).toBe(1);
    const runDir = onlyRunDir(out);
    const run = await clientFor(uri).getRun(mlflowState(runDir).runId!);
    expect(run.info.status).toBe('FAILED');
    const tags = tagsOf(run);
    expect(tags['distill.error']).toMatch(/loss term ".+" is (NaN|Infinity|-Infinity) at step \d+/);
    expect(tags['mlflow.note.content']).toContain(tags['distill.error']);
    await expectRunInMlflow(clientFor(uri), runDir, run.info.run_id);
  });
});

describe('distill run with a server that stops mid-run, then distill sync', () => {
  let server: MlflowServer;
  beforeAll(async () => {
    server = await MlflowServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('trains on while the server is down; sync then fills in everything exactly once', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const manifest = writeManifest(smallExperiment({
      training: { epochs: 30, batchSize: 8 },
      tracking: { type: 'mlflow', params: { flushTimeoutSeconds: 2, retryIntervalSeconds: 1 } },
    }));
    let stopping: Promise<void> | undefined;
    const result = await runCli(['run', manifest, '--out', out, '--quiet'], {
      env: { MLFLOW_TRACKING_URI: server.uri, ...fastRetries },
      onSpawn: () => {
        const poll = setInterval(() => {
          const dirs = existsSync(out) ? readdirSync(out) : [];
          const file = dirs.length ? join(out, dirs[0], 'mlflow.json') : '';
          if (file && existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { deliveredSeq: number }).deliveredSeq > 20) {
            clearInterval(poll);
            stopping = server.stop();
          }
        }, 100);
      },
    });
    await stopping;
    expect(stopping).toBeDefined();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/distill sync/);
    const runDir = onlyRunDir(out);
    const partial = mlflowState(runDir);
    const total = journalExpectations(runDir).events.length;
    expect(partial.deliveredSeq).toBeLessThan(total);

    await server.start();
    const sync = await runCli(['sync', out]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/sent \d+ events/);
    expect(mlflowState(runDir)).toMatchObject({ runId: partial.runId, deliveredSeq: total });
    await expectRunInMlflow(clientFor(server.uri), runDir, partial.runId!);
    expect((await runCli(['sync', out])).stdout).toMatch(/already in sync/);
    await expectRunInMlflow(clientFor(server.uri), runDir, partial.runId!);
    expect((await runCli(['runs', out])).stdout).toMatch(/FINISHED.*synced/);
  });
});
