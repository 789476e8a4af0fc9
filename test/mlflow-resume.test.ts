// A run recorded in a real MLflow server that dies (SIGKILL) and is resumed: `distill sync` marks its MLflow run
// KILLED, `distill run --resume` takes up the same MLflow run (RUNNING again, then FINISHED), and MLflow ends with
// every step's metrics and the same final metrics as summary.json.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { runCli, writeManifest } from './support/cli.js';

const uri = inject('mlflowUri');
const client = new MlflowClient(resolveMlflowConfig({ trackingUri: uri }, { HOME: '/nonexistent-home' }));
const env = { MLFLOW_TRACKING_URI: uri, MLFLOW_EXPERIMENT_NAME: 'distill-resume' };

const manifest = {
  name: 'resume-mlflow',
  seed: 4,
  backend: 'wasm',
  dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 200, labelsPerClass: 30 } },
  teacher: { type: 'mlp', params: { hidden: [32] }, train: { epochs: 2, batchSize: 32 } },
  student: { type: 'mlp', params: { hidden: [8] } },
  losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }],
  optimizer: { type: 'adam', params: { learningRate: 0.01 } },
  training: { epochs: 4, batchSize: 32, checkpoint: { everySteps: 5 } },
};

const checkpointStages = (runDir: string): string[] => {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    try {
      return [(JSON.parse(readFileSync(join(dir, name, 'checkpoint.json'), 'utf8')) as { stage: string }).stage];
    } catch {
      return [];
    }
  });
};

describe('a resumed run in MLflow', () => {
  it('is KILLED after its process died and sync ran, then RUNNING again and FINISHED as the same MLflow run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'resume-mlflow-'));
    let child: ChildProcess | undefined;
    const poll = setInterval(() => {
      const [id] = existsSync(out) ? readdirSync(out) : [];
      if (!child || !id || !checkpointStages(join(out, id)).includes('student')) return;
      clearInterval(poll);
      child.kill('SIGKILL');
    }, 5);
    const killed = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet'], { env, onSpawn: (spawned) => (child = spawned) });
    clearInterval(poll);
    expect(killed.signal).toBe('SIGKILL');
    const runDir = join(out, readdirSync(out)[0]);
    const runId = () => (JSON.parse(readFileSync(join(runDir, 'mlflow.json'), 'utf8')) as { runId: string }).runId;

    const synced = await runCli(['sync', runDir], { env });
    expect(synced.code, synced.stderr).toBe(0);
    const mlflowRunId = runId();
    expect((await client.getRun(mlflowRunId)).info.status).toBe('KILLED');

    // While the resumed run trains, its MLflow run is RUNNING again.
    const seen = new Set<string>();
    let resuming = true;
    const watch = (async () => {
      while (resuming) {
        seen.add((await client.getRun(mlflowRunId)).info.status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const resumed = await runCli(['run', '--resume', runDir, '--quiet', '--json'], { env });
    resuming = false;
    await watch;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(seen.has('RUNNING')).toBe(true);
    expect(runId()).toBe(mlflowRunId);

    const run = await client.getRun(mlflowRunId);
    expect(run.info.status).toBe('FINISHED');
    const experiment = await client.getExperimentByName('distill-resume');
    const local = JSON.parse(resumed.stdout) as { runId: string; metrics: Record<string, number>; stages: Record<string, { steps: number }> };
    const tagged = await client.searchRuns({ experimentIds: [experiment!.experiment_id], filter: `tags.\`distill.runId\` = '${local.runId}'`, maxResults: 10 });
    expect(tagged.runs).toHaveLength(1);
    const finalMetrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
    expect(finalMetrics['student/test/accuracy']).toBe(local.metrics['student/test/accuracy']);
    // Every step of the student stage is in MLflow, the ones trained again after the checkpoint included.
    const history = await client.getMetricHistory(mlflowRunId, 'student/train/loss');
    expect(new Set(history.map((point) => point.step))).toEqual(new Set(Array.from({ length: local.stages.student.steps }, (_, step) => step)));
  }, 180_000);
});
