// Proof that MLflow users see distill runs as their own: a run delivered by the `mlflow` tracker, read back with
// MLflow's own Python client (mlflow.get_run, MlflowClient().get_metric_history, list_artifacts, download_artifacts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from './setup/mlflow-server.js';
import { journalExpectations, mlflowState, mlflowTracker, newRunDir, recordScenario } from './setup/mlflow-run-fixture.js';

interface Readback {
  info: { run_name: string; status: string; start_time: number; end_time: number; user_id: string };
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, Array<{ step: number; value: number | 'NaN'; timestamp: number }>>;
  artifacts: string[];
  sha256: Record<string, string>;
}

function readBack(trackingUri: string, runId: string): Readback {
  const python = inject('mlflowPython');
  const result = spawnSync(python, [join(REPO_ROOT, 'test/python/readback.py'), trackingUri, runId], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`readback.py failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Readback;
}

describe('a distill run read back with MLflow\'s Python client', () => {
  it('has the journal\'s params, tags, full metric histories, artifacts (byte-identical) and status', async () => {
    const uri = inject('mlflowUri');
    const { runDir, runId } = newRunDir();
    await recordScenario(runDir, runId, [await mlflowTracker({ trackingUri: uri, experimentName: 'python-readback' })]);
    const expected = journalExpectations(runDir);
    const started = expected.events.find((e) => e.type === 'run-started')!;
    const run = readBack(uri, mlflowState(runDir).runId!);

    expect(run.info.run_name).toBe('kd-fixture');
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.start_time).toBe(started.type === 'run-started' ? started.startTime : -1);
    expect(run.info.end_time).toBe(expected.ended!.endTime);
    expect(run.info.user_id).toBe(run.tags['mlflow.user']);
    expect(run.params).toEqual(expected.params);
    expect(run.tags).toMatchObject({ ...expected.tags, 'mlflow.runName': 'kd-fixture', 'mlflow.source.type': 'LOCAL', 'distill.runId': runId });
    expect(Object.keys(run.metrics).sort()).toEqual([...expected.metrics.keys()].sort());
    for (const [key, points] of expected.metrics) {
      const want = points.map((p) => ({ step: p.step, value: Number.isNaN(p.value) ? 'NaN' : p.value, timestamp: p.timestamp }));
      expect(run.metrics[key], key).toEqual(want);
    }
    expect(run.metrics['loss/cross-entropy'].find((p) => p.step === 3)?.value).toBe('NaN');
    expect(run.artifacts).toEqual([...expected.artifacts].sort());
    for (const path of expected.artifacts) {
      expect(run.sha256[path], path).toBe(createHash('sha256').update(readFileSync(join(runDir, path))).digest('hex'));
    }
  });
});
