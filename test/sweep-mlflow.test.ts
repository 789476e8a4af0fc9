// `distill sweep` with MLflow tracking, against the real MLflow server of the e2e set-up: one parent run for the
// sweep (spec as params and artifact, best trial as metric, tags and params, trials.csv and sweep.json as artifacts,
// status), one child run per trial nested under it with `mlflow.parentRunId`.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig, type MlflowRun } from '@distill/core/tracking';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

const uri = inject('mlflowUri');
const client = new MlflowClient(resolveMlflowConfig({ trackingUri: uri }, { HOME: '/nonexistent-home' }));

const tagsOf = (run: MlflowRun) => Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
const paramsOf = (run: MlflowRun) => Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));

describe('distill sweep with MLFLOW_TRACKING_URI', () => {
  it('logs one parent run for the sweep and one child run per trial', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweeps-'));
    const experimentName = `distill-sweep-e2e-${Date.now()}`;
    const manifest = writeManifest({
      ...smallExperiment(),
      name: 'mlflow-sweep',
      sweep: {
        method: 'grid',
        metric: { name: 'student/val/accuracy', goal: 'maximize' },
        parameters: {
          'losses.0.params.temperature': { values: [2, 4] },
          'losses.0.weight,losses.1.weight': { values: [[0.9, 0.1], [0.5, 0.5]] },
        },
      },
    });
    const result = await runCli(['sweep', manifest, '--concurrency', '2', '--out', out], {
      env: { MLFLOW_TRACKING_URI: uri, MLFLOW_EXPERIMENT_NAME: experimentName, DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'teacher-cache-')) },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/warning|MLflow: no parent run/);
    const sweepDir = join(out, readdirSync(out)[0]);
    const sweep = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8'));
    const experiment = (await client.getExperimentByName(experimentName))!;
    // sweep.json records where the trials went, chosen by the environment, and how to take the parent run up again.
    expect(sweep.tracking).toMatchObject({
      type: 'mlflow',
      chosenBy: 'MLFLOW_TRACKING_URI',
      params: { trackingUri: uri, experimentName },
      state: { trackingUri: uri, experimentId: experiment.experiment_id, parentRunId: expect.any(String) },
    });

    const parent = await client.getRun(sweep.tracking.state.parentRunId);
    expect(parent.info.experiment_id).toBe(experiment.experiment_id);
    expect(parent.info.status).toBe('FINISHED');
    const parentTags = tagsOf(parent);
    expect(parentTags['distill.sweepId']).toBe(sweep.sweepId);
    expect(parentTags['mlflow.parentRunId']).toBeUndefined();
    expect(paramsOf(parent)).toMatchObject({
      'sweep.method': 'grid',
      'sweep.metric': 'student/val/accuracy',
      'sweep.goal': 'maximize',
      'sweep.parameters.losses.0.params.temperature': '{"values":[2,4]}',
      'sweep.parameters.losses.0.weight_losses.1.weight': '{"values":[[0.9,0.1],[0.5,0.5]]}',
    });

    // The best trial, as the sweep directory has it.
    const best = sweep.trials.find((t: { trial: number }) => t.trial === sweep.best.trial);
    expect(parentTags).toMatchObject({ 'best.trial': String(best.trial), 'best.runId': best.runId, 'best.losses.0.params.temperature': String(best.params['losses.0.params.temperature']) });
    expect(paramsOf(parent)['best.losses.0.params.temperature']).toBe(String(best.params['losses.0.params.temperature']));
    const bestHistory = await client.getMetricHistory(parent.info.run_id, 'best/student/val/accuracy');
    expect(bestHistory.at(-1)?.value).toBeCloseTo(sweep.best.metric, 6);
    expect((await client.getMetricHistory(parent.info.run_id, 'trials/finished')).at(-1)?.value).toBe(4);

    const artifacts = (await client.listAllArtifacts(parent.info.run_id)).map((f) => f.path).sort();
    expect(artifacts).toEqual(['sweep-spec.json', 'sweep.json', 'trials.csv']);
    const csv = new TextDecoder().decode(await client.downloadArtifact(parent.info, 'trials.csv'));
    expect(csv).toBe(readFileSync(join(sweepDir, 'trials.csv'), 'utf8'));

    // One child run per trial, nested under the parent, each the trial's own run.
    const children = await client.searchAllRuns({ experimentIds: [experiment.experiment_id], filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'` });
    expect(children.map((run) => tagsOf(run)['distill.runId']).sort()).toEqual(sweep.trials.map((t: { runId: string }) => t.runId).sort());
    for (const child of children) {
      const trial = sweep.trials.find((t: { runId: string }) => t.runId === tagsOf(child)['distill.runId']);
      expect(child.info.status).toBe('FINISHED');
      expect(child.info.run_name).toBe(`mlflow-sweep-t00${trial.trial}`);
      expect(tagsOf(child)).toMatchObject({ 'distill.sweepId': sweep.sweepId, 'distill.sweep.trial': String(trial.trial) });
      expect(paramsOf(child)['losses.0.params.temperature']).toBe(String(trial.params['losses.0.params.temperature']));
      const accuracy = child.data.metrics.find((m) => m.key === 'student/val/accuracy');
      expect(accuracy?.value).toBeCloseTo(trial.metric, 6);
    }
    const all = await client.searchAllRuns({ experimentIds: [experiment.experiment_id] });
    expect(all).toHaveLength(5);
  });
});
