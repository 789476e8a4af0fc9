// `distill runs` and `distill sync` pointed at sweeps: a sweep directory's runs are its trials, its `teacher/` folder
// (the shared teacher's journal) is never a run, and sync completes the sweep's MLflow parent run when the sweep's end
// report did not arrive (the real MLflow server behind a proxy that fails the parent's last uploads).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { FaultProxy } from './setup/fault-proxy.js';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

const uri = inject('mlflowUri');
const client = new MlflowClient(resolveMlflowConfig({ trackingUri: uri }, { HOME: '/nonexistent-home' }));
const noTracking = { MLFLOW_TRACKING_URI: '' };

interface SweepJson {
  sweepId: string;
  status: string;
  tracking?: { type: string; state: { parentRunId: string } };
  trials: { runId: string; runDir: string }[];
}

async function sweep(name: string, env: NodeJS.ProcessEnv): Promise<{ out: string; sweepDir: string; record: SweepJson }> {
  const out = mkdtempSync(join(tmpdir(), 'sweep-sync-'));
  const manifest = writeManifest({ ...smallExperiment({ training: { epochs: 2, batchSize: 32 } }), name, sweep: { parameters: { 'losses.0.params.temperature': { values: [2, 4] } } } });
  const result = await runCli(['sweep', manifest, '--out', out], { env: { DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cache-')), ...env } });
  expect(result.code, result.stderr).toBe(0);
  const sweepDir = join(out, readdirSync(out)[0]);
  return { out, sweepDir, record: JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) };
}

describe('distill runs and distill sync on sweep directories', () => {
  it('list and sync a sweep\'s trials, never its teacher folder', async () => {
    const { out, sweepDir, record } = await sweep('sync-local-sweep', noTracking);
    expect(existsSync(join(sweepDir, 'teacher', 'events.jsonl'))).toBe(true);
    const runIds = record.trials.map((t) => t.runId);

    for (const target of [out, sweepDir]) {
      const listed = await runCli(['runs', target]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(`sweep ${record.sweepId} (${sweepDir}): finished, 2 trials; recorded locally`);
      for (const runId of runIds) expect(listed.stdout).toMatch(new RegExp(`│ ${runId} +│ sync-local-sweep +│ FINISHED .*│ local only`));
      expect(listed.stdout).not.toMatch(/│ teacher /);
      expect(listed.stdout).not.toContain('RUNNING');
    }

    const synced = await runCli(['sync', sweepDir, '--tracking-uri', uri], { env: noTracking });
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toContain(`sweep ${record.sweepId} (${sweepDir}): 2 trial runs`);
    for (const runId of runIds) expect(synced.stdout).toMatch(new RegExp(`^  ${runId}: sent \\d+ events`, 'm'));
    expect(synced.stdout).toContain(`sweep ${record.sweepId}: no record in a tracker (tracking was local, or the tracker could not be reached when it started)`);
    expect(existsSync(join(sweepDir, 'teacher', 'mlflow.json'))).toBe(false);
    for (const trial of record.trials) {
      const state = JSON.parse(readFileSync(join(sweepDir, trial.runDir, 'mlflow.json'), 'utf8'));
      expect((await client.getRun(state.runId)).info.status).toBe('FINISHED');
    }
    const listed = await runCli(['runs', out, '--json']);
    const rows = JSON.parse(listed.stdout) as { id: string; mlflow: string; sweep?: string }[];
    expect(rows.map((row) => [row.id, row.mlflow, row.sweep]).sort()).toEqual(runIds.map((id) => [id, 'synced', record.sweepId]).sort());
  });

  describe('with a parent run whose end report did not arrive', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await FaultProxy.start(uri);
    });
    afterAll(() => proxy?.close());

    it('sync sends the sweep\'s results and final status to its parent run', async () => {
      // The parent's last call uploads sweep.json before setting its status: failing it leaves the parent RUNNING.
      proxy.inject({ kind: 'status', status: 503 }, { forMs: 600_000, match: (_, path) => path.endsWith('/sweep.json') });
      const env = { MLFLOW_TRACKING_URI: proxy.uri, MLFLOW_EXPERIMENT_NAME: `distill-sweep-sync-${Date.now()}`, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
      const { sweepDir, record } = await sweep('sync-parent', env);
      expect(proxy.faultsOf('status')).toBeGreaterThan(0);
      const parentRunId = record.tracking!.state.parentRunId;
      expect((await client.getRun(parentRunId)).info.status).toBe('RUNNING');

      proxy.clear();
      const synced = await runCli(['sync', sweepDir], { env });
      expect(synced.code, synced.stderr).toBe(0);
      for (const trial of record.trials) expect(synced.stdout).toMatch(new RegExp(`^  ${trial.runId}: already in sync`, 'm'));
      expect(synced.stdout).toContain(`sweep ${record.sweepId}: parent run ${parentRunId} completed (finished; trials.csv and sweep.json sent)`);
      expect((await client.getRun(parentRunId)).info.status).toBe('FINISHED');
      const artifacts = (await client.listArtifacts(parentRunId)).map((file) => file.path);
      expect(artifacts).toEqual(expect.arrayContaining(['sweep.json', 'trials.csv']));

      const again = await runCli(['sync', sweepDir], { env });
      expect(again.stdout).toContain(`sweep ${record.sweepId}: parent run ${parentRunId} already FINISHED`);
      expect(existsSync(join(sweepDir, 'teacher', 'mlflow.json'))).toBe(false);
    });
  });
});
