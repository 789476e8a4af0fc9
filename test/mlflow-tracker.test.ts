// The `mlflow` tracker plugin on real run directories against real MLflow servers: a clean run, a flaky server behind
// a fault proxy, a server stopped and restarted mid-run, and a server down until after the run (then `distill sync`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { FaultProxy } from './setup/fault-proxy.js';
import { MlflowServer, REPO_ROOT } from './setup/mlflow-server.js';
import { expectRunInMlflow, journalExpectations, mlflowState, mlflowTracker, newRunDir, recordScenario } from './setup/mlflow-run-fixture.js';

// The tracker reads MLflow's variables like MLflow's client; short retries keep the fault tests quick.
process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES = '2';
process.env.MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR = '0.1';
process.env.MLFLOW_HTTP_REQUEST_TIMEOUT = '10';

const uri = inject('mlflowUri');

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const delivered = (runDir: string) => () => { try { return mlflowState(runDir).deliveredSeq; } catch { return 0; } };
const clientFor = (trackingUri: string) => new MlflowClient(resolveMlflowConfig({ trackingUri }, { HOME: '/nonexistent-home' }));
const distill = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'cli/bin/distill.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('mlflow tracker', () => {
  it('delivers a run exactly as journaled: params, tags, metric curves, artifacts, status', async () => {
    const { runDir, runId } = newRunDir();
    const tracker = await mlflowTracker({ trackingUri: uri, experimentName: 'tracker-clean', tags: { team: 'kd' } });
    const scenario = await recordScenario(runDir, runId, [tracker], { tracking: { type: 'mlflow', params: { trackingUri: uri } } });
    expect(scenario.warnings).toEqual([]);
    const state = mlflowState(runDir);
    expect(state.deliveredSeq).toBe(journalExpectations(runDir).events.length);
    expect(state.trackingUri).toBe(uri);
    const client = clientFor(uri);
    await expectRunInMlflow(client, runDir, state.runId!);
    const tags = Object.fromEntries((await client.getRun(state.runId!)).data.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'mlflow.runName': 'kd-fixture', 'mlflow.source.type': 'LOCAL', 'mlflow.note.content': 'A fixture run: KL at T=4 plus cross-entropy.',
      'distill.runId': runId, team: 'kd',
    });
    expect(tags['mlflow.user']).toBeTruthy();
    expect(tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    const experiment = await client.getExperimentByName('tracker-clean');
    expect((await client.getRun(state.runId!)).info.experiment_id).toBe(experiment!.experiment_id);

    // Nothing left to send: a sync adds nothing.
    const sync = distill(['sync', runDir]);
    expect(sync.stdout).toMatch(/already in sync/);
    expect(sync.status).toBe(0);
    await expectRunInMlflow(client, runDir, state.runId!);
  });

  it('records a failed run as FAILED with its error in the description and a distill.error tag', async () => {
    const { runDir, runId } = newRunDir();
    const tracker = await mlflowTracker({ trackingUri: uri });
    await recordScenario(runDir, runId, [tracker], { steps: 10, status: 'FAILED', error: 'loss became NaN at step 10' });
    const run = await clientFor(uri).getRun(mlflowState(runDir).runId!);
    expect(run.info.status).toBe('FAILED');
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['distill.error']).toBe('loss became NaN at step 10');
    expect(tags['mlflow.note.content']).toMatch(/^A fixture run[\s\S]*loss became NaN at step 10$/);
  });

  it('logs to the experiment MLFLOW_EXPERIMENT_ID names, as MLflow\'s client does', async () => {
    const client = clientFor(uri);
    const experimentId = await client.createExperiment(`by-id-${Date.now()}`);
    process.env.MLFLOW_EXPERIMENT_ID = experimentId;
    try {
      const { runDir, runId } = newRunDir();
      await recordScenario(runDir, runId, [await mlflowTracker({ trackingUri: uri })], { steps: 10 });
      expect((await client.getRun(mlflowState(runDir).runId!)).info.experiment_id).toBe(experimentId);
    } finally {
      delete process.env.MLFLOW_EXPERIMENT_ID;
    }
  });

  it('keeps credentials out of MLflow and out of mlflow.json', async () => {
    const proxy = await FaultProxy.start(uri);
    try {
      const { runDir, runId } = newRunDir();
      const secretUri = proxy.uri.replace('http://', 'http://alice:pa55word@');
      const tracker = await mlflowTracker({ trackingUri: secretUri });
      await recordScenario(runDir, runId, [tracker], { steps: 10, extraParams: { 'tracking.params.trackingUri': secretUri } });
      expect(proxy.seen.some((r) => r.headers.authorization === `Basic ${Buffer.from('alice:pa55word').toString('base64')}`)).toBe(true);
      expect(readFileSync(join(runDir, 'mlflow.json'), 'utf8')).not.toContain('pa55word');
      const client = clientFor(uri);
      const run = await client.getRun(mlflowState(runDir).runId!);
      expect(JSON.stringify(run)).not.toContain('pa55word');
      expect(run.data.params.find((p) => p.key === 'tracking.params.trackingUri')?.value).toBe(proxy.uri.replace('http://', 'http://alice:***@'));
      const manifest = Buffer.from(await client.downloadArtifact(run.info, 'manifest.resolved.json')).toString('utf8');
      expect(manifest).toContain('tracking.params.trackingUri');
      expect(manifest).not.toContain('pa55word');
    } finally {
      await proxy.close();
    }
  });

  it('delivers everything exactly once through 503s, 429s with Retry-After and dropped connections', async () => {
    const proxy = await FaultProxy.start(uri);
    try {
      const { runDir, runId } = newRunDir();
      const tracker = await mlflowTracker({ trackingUri: proxy.uri });
      const batches = (_: string, path: string) => path.includes('/runs/log-batch');
      // The server creates the run but its answer is lost: the retry must find that run, not create a second one.
      proxy.inject({ kind: 'drop-response' }, { count: 1, match: (_, path) => path.includes('/runs/create') });
      await recordScenario(runDir, runId, [tracker], {
        afterStep: (step) => {
          if (step === 5) proxy.inject({ kind: 'status', status: 503 }, { count: 2, match: batches });
          if (step === 12) proxy.inject({ kind: 'status', status: 429, retryAfter: '1' }, { count: 1, match: batches });
          if (step === 18) proxy.inject({ kind: 'drop' }, { count: 2, match: batches });
          if (step === 24) proxy.inject({ kind: 'drop-response' }, { count: 2, match: batches });
          if (step === 30) proxy.inject({ kind: 'drop-response' }, { count: 1, match: (_, path) => path.includes('/mlflow-artifacts/') });
        },
      });
      for (const kind of ['status', 'drop', 'drop-response'] as const) expect(proxy.faultsOf(kind), kind).toBeGreaterThan(0);
      expect(proxy.seen.filter((r) => r.path.endsWith('/runs/create'))).toHaveLength(1);
      const state = mlflowState(runDir);
      expect(state.deliveredSeq).toBe(journalExpectations(runDir).events.length);
      await expectRunInMlflow(clientFor(uri), runDir, state.runId!);
    } finally {
      await proxy.close();
    }
  });

  it('says what the server has not acknowledged when the end-of-run wait runs out with the last batch in flight', async () => {
    const proxy = await FaultProxy.start(uri);
    try {
      const { runDir, runId } = newRunDir();
      const warnings: string[] = [];
      const tracker = await mlflowTracker({ trackingUri: proxy.uri, flushTimeoutSeconds: 2 }, { warn: (message) => warnings.push(message) });
      await recordScenario(runDir, runId, [tracker], {
        steps: 20,
        // From the last step on, the server takes 8 s to answer: the end of the run finds its last batch in flight.
        afterStep: (step) => {
          if (step === 20) proxy.inject({ kind: 'delay', ms: 8000 });
        },
      });
      const total = journalExpectations(runDir).events.length;
      const delivered = mlflowState(runDir).deliveredSeq;
      expect(delivered).toBeLessThan(total);
      expect(warnings.join('\n')).toMatch(/MLflow: waiting up to \d s for the server to take events \d+\.\.\d+/);
      expect(warnings.join('\n')).toContain(`MLflow: events ${delivered + 1}..${total} of this run are not in MLflow yet; send them with: distill sync ${runDir}`);
    } finally {
      proxy.clear();
      await proxy.close();
    }
  });

  it('answers 503 for a while, then delivers the rest when the server is back, without blocking the run', async () => {
    const proxy = await FaultProxy.start(uri);
    try {
      const { runDir, runId } = newRunDir();
      const tracker = await mlflowTracker({ trackingUri: proxy.uri, retryIntervalSeconds: 0.3 });
      const stepTimes: number[] = [];
      await recordScenario(runDir, runId, [tracker], {
        afterStep: (step) => {
          stepTimes.push(Date.now());
          if (step === 8) proxy.inject({ kind: 'status', status: 503 }, { forMs: 2500 });
        },
      });
      // While the server failed, steps went on at full speed: no step waited for MLflow.
      const gaps = stepTimes.slice(1).map((t, i) => t - stepTimes[i]);
      expect(Math.max(...gaps)).toBeLessThan(1000);
      await expectRunInMlflow(clientFor(uri), runDir, mlflowState(runDir).runId!);
    } finally {
      await proxy.close();
    }
  });
});

describe('mlflow tracker with a server that stops', () => {
  let server: MlflowServer;
  beforeAll(async () => {
    server = await MlflowServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // A test that failed with the server stopped must not take the next one down with it.
  beforeEach(async () => {
    await server.start();
  });

  it('resumes by itself when the server is restarted mid-run, every record exactly once', async () => {
    const { runDir, runId } = newRunDir();
    const tracker = await mlflowTracker({ trackingUri: server.uri, retryIntervalSeconds: 0.5 });
    let restarted: Promise<void> | undefined;
    await recordScenario(runDir, runId, [tracker], {
      afterStep: async (step) => {
        if (step === 10) {
          await waitFor(() => delivered(runDir)() >= 5);
          await server.stop();
        }
        if (step === 20) restarted = server.start();
        if (step > 20 && step < 40) await new Promise((resolve) => setTimeout(resolve, 50));
        if (step === 39) await restarted;
      },
    });
    const state = mlflowState(runDir);
    expect(state.deliveredSeq).toBe(journalExpectations(runDir).events.length);
    await expectRunInMlflow(clientFor(server.uri), runDir, state.runId!);
  });

  it('leaves what a down server missed for `distill sync`, which completes the same MLflow run once', async () => {
    const { runsDir, runDir, runId } = newRunDir();
    const tracker = await mlflowTracker({ trackingUri: server.uri, flushTimeoutSeconds: 1, retryIntervalSeconds: 0.5 });
    const scenario = await recordScenario(runDir, runId, [tracker], {
      tracking: { type: 'mlflow', params: { trackingUri: server.uri } },
      afterStep: async (step) => {
        if (step === 15) {
          await waitFor(() => delivered(runDir)() >= 5);
          await server.stop();
        }
      },
    });
    const partial = mlflowState(runDir);
    const total = journalExpectations(runDir).events.length;
    expect(partial.runId).toBeTruthy();
    expect(partial.deliveredSeq).toBeGreaterThan(1);
    expect(partial.deliveredSeq).toBeLessThan(total);
    expect(scenario.warnings.join('\n')).toBe('');

    const listedBefore = distill(['runs', runsDir]);
    expect(listedBefore.stdout).toMatch(new RegExp(`${runId}.*pending ${partial.deliveredSeq}/${total}`));

    const failed = distill(['sync', runsDir], { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/not synced/);

    await server.start();
    const sync = distill(['sync', runsDir]);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toMatch(new RegExp(`${runId}: sent ${total - partial.deliveredSeq} events`));
    expect(sync.status).toBe(0);
    const state = mlflowState(runDir);
    expect(state.runId).toBe(partial.runId);
    expect(state.deliveredSeq).toBe(total);
    await expectRunInMlflow(clientFor(server.uri), runDir, state.runId!);

    const again = distill(['sync', runDir]);
    expect(again.stdout).toMatch(/already in sync/);
    await expectRunInMlflow(clientFor(server.uri), runDir, state.runId!);
    expect(distill(['runs', runsDir]).stdout).toMatch(new RegExp(`${runId}.*FINISHED.*synced`));
    expect(readFileSync(join(runDir, 'mlflow.json'), 'utf8')).not.toMatch(/lastError/);
  });

  it('syncs a run that never reached MLflow, creating its run', async () => {
    const { runDir, runId } = newRunDir();
    await recordScenario(runDir, runId, [], { steps: 10 });
    const sync = distill(['sync', runDir, '--tracking-uri', server.uri]);
    expect(sync.status).toBe(0);
    const state = mlflowState(runDir);
    await expectRunInMlflow(clientFor(server.uri), runDir, state.runId!);
  });
});
