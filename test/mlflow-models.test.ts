// The run's models and data as MLflow users see them, read back with MLflow's own Python client from the real server:
// the student and each exported variant as logged models of the run (outputs, READY, metrics linked, files with an
// MLmodel), a new registered-model version per run tagged with its variant, the dataset among the run's inputs; the
// validation curve without a duplicated last point; the manifest as the run's source.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from './setup/mlflow-server.js';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { MlflowClient, MlflowRunDelivery, RunJournal, resolveMlflowConfig } from '@distill/core/tracking';
import { FaultProxy } from './setup/fault-proxy.js';

interface LoggedModel {
  model_id: string; name: string; status: string; model_type: string;
  params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, number>; artifacts: string[];
}
interface Readback {
  source_name: string;
  val_history: Record<string, [number, number][]>;
  inputs: { name: string; digest: string; source_type: string; source: string; schema: string; profile: string; tags: Record<string, string> }[];
  outputs: { model_id: string; step: number }[];
  logged_models: LoggedModel[];
  versions: { version: string; model_id: string | null; run_id: string; source: string; tags: Record<string, string> }[];
}

const REGISTERED = `distill-student-${process.pid}`;
const EPOCHS = 3;
let manifest: string;

function mlflowRunId(runDir: string): string {
  return (JSON.parse(readFileSync(join(runDir, 'mlflow.json'), 'utf8')) as { runId: string }).runId;
}

function readBack(runDir: string): Readback {
  const result = spawnSync(inject('mlflowPython'), [join(REPO_ROOT, 'test/python/readback_models.py'), inject('mlflowUri'), mlflowRunId(runDir), REGISTERED], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`readback_models.py failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Readback;
}

async function run(): Promise<{ runDir: string; summary: { metrics: Record<string, number> } }> {
  const out = mkdtempSync(join(tmpdir(), 'runs-'));
  const result = await runCli(['run', manifest, '--out', out, '--quiet', '--register-model', REGISTERED], {
    env: { MLFLOW_TRACKING_URI: inject('mlflowUri'), MLFLOW_EXPERIMENT_NAME: 'distill-models' },
  });
  expect(result.code, result.stderr).toBe(0);
  const runDir = join(out, readdirSync(out)[0]);
  return { runDir, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) };
}

let first: { runDir: string; summary: { metrics: Record<string, number> } };
let back: Readback;

beforeAll(async () => {
  manifest = writeManifest(smallExperiment({ training: { epochs: EPOCHS, batchSize: 32 }, export: { quantize: ['uint8', 'float16'] } }));
  first = await run();
  back = readBack(first.runDir);
});

describe('models and data of a run, read back with MLflow\'s Python client', () => {
  it('logs the student and each exported variant as READY models of the run, with their metrics and files', () => {
    expect(back.logged_models.map((m) => m.name)).toEqual(['student', 'student-float16', 'student-uint8']);
    expect(back.outputs.map((o) => o.model_id).sort()).toEqual(back.logged_models.map((m) => m.model_id).sort());
    const m = first.summary.metrics;
    for (const model of back.logged_models) {
      expect(model.status, model.name).toBe('READY');
      expect(model.model_type).toBe('tfjs-layers');
      expect(model.artifacts).toEqual(['MLmodel', 'model.json', 'weights.bin']);
    }
    const [student, float16, uint8] = back.logged_models;
    expect(student.metrics['student/test/accuracy']).toBe(m['student/test/accuracy']);
    expect(student.metrics['student/parameters']).toBe(m['student/parameters']);
    expect(Object.keys(student.metrics).every((key) => key.startsWith('student/'))).toBe(true);
    expect(uint8.metrics['export/uint8/test/accuracy']).toBe(m['export/uint8/test/accuracy']);
    expect(uint8.metrics['export/uint8/weightBytes']).toBe(m['export/uint8/weightBytes']);
    expect(float16.metrics['export/float16/gzipBytes']).toBe(m['export/float16/gzipBytes']);
    expect(uint8.params).toEqual({ quantization: 'uint8', float32Weights: '0' });
    expect(uint8.tags).toMatchObject({ 'distill.variant': 'uint8', 'distill.runId': relative(join(first.runDir, '..'), first.runDir) });
  });

  it('registers the shipped variant (the first exported) as a new version per run, tagged with its variant', async () => {
    const uint8 = back.logged_models.find((m) => m.name === 'student-uint8')!;
    expect(back.versions).toHaveLength(1);
    // MLflow's SQL registry keeps the logged model as the version's source (model_id itself is not stored).
    expect(back.versions[0]).toMatchObject({ source: `models:/${uint8.model_id}`, run_id: mlflowRunId(first.runDir) });
    expect(back.versions[0].tags['distill.variant']).toBe('uint8');
    const second = await run();
    const again = readBack(second.runDir);
    expect(again.versions.map((v) => v.version).sort()).toEqual(['1', '2']);
    expect(new Set(again.versions.map((v) => v.run_id)).size).toBe(2);
  });

  it('lists the dataset among the run\'s inputs: name, digest, source, schema and profile', () => {
    expect(back.inputs).toHaveLength(1);
    const [input] = back.inputs;
    expect(input.name).toBe('synthetic');
    expect(input.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(input.source_type).toBe('code');
    expect(JSON.parse(input.source)).toMatchObject({ plugin: 'synthetic', params: { numFeatures: 12, numClasses: 4 } });
    const features = JSON.parse(JSON.parse(input.schema).mlflow_tensorspec.features);
    expect(features[0]['tensor-spec']).toEqual({ dtype: 'float32', shape: [-1, 12] });
    expect(JSON.parse(input.profile)).toMatchObject({ num_classes: 4 });
    expect(input.tags['mlflow.data.context']).toBe('training');
  });

  it('distill sync sends the models and the dataset of a run that never reached MLflow', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const local = await runCli(['run', manifest, '--out', out, '--quiet'], { env: { MLFLOW_TRACKING_URI: '' } });
    expect(local.code, local.stderr).toBe(0);
    const runDir = join(out, readdirSync(out)[0]);
    const sync = await runCli(['sync', runDir, '--tracking-uri', inject('mlflowUri')], { env: { MLFLOW_EXPERIMENT_NAME: 'distill-models-sync' } });
    expect(sync.code, sync.stderr).toBe(0);
    const synced = readBack(runDir);
    expect(synced.logged_models.map((m) => [m.name, m.status])).toEqual([['student', 'READY'], ['student-float16', 'READY'], ['student-uint8', 'READY']]);
    expect(synced.logged_models.every((m) => m.artifacts.includes('weights.bin'))).toBe(true);
    expect(synced.inputs.map((i) => i.name)).toEqual(['synthetic']);
  });

  it('links one dataset to runs that log it to the same experiment at the same moment (a sweep\'s trials)', async () => {
    // A proxy holds the dataset inputs back until all of them have arrived, then lets them reach the server together.
    const proxy = await FaultProxy.start(inject('mlflowUri'));
    const client = new MlflowClient(resolveMlflowConfig({ trackingUri: proxy.uri }, { HOME: '/nonexistent-home' }));
    const experimentName = `distill-datasets-race-${Date.now()}`;
    const dataset = { type: 'dataset' as const, name: 'synthetic', digest: 'race0000race0000', sourceType: 'code', source: '{}', schema: '{}', profile: '{}', context: 'training' };
    const runDirs = Array.from({ length: 12 }, (_, i) => {
      const runDir = mkdtempSync(join(tmpdir(), 'race-'));
      const journal = new RunJournal(runDir);
      journal.append({ type: 'run-started', runId: `race-${i}-${Date.now()}`, name: 'race', runDir, startTime: Date.now() });
      journal.append(dataset);
      return runDir;
    });
    const deliveries = runDirs.map((runDir) => MlflowRunDelivery.open(client, runDir, { experimentName }));
    try {
      await Promise.all(deliveries.map((d) => d.deliver(readJournalHead(d.runDir))));
      proxy.inject({ kind: 'gate', count: runDirs.length }, { count: runDirs.length, match: (_, path) => path.endsWith('/runs/log-inputs') });
      await Promise.all(deliveries.map((d) => d.deliverJournal()));
    } finally {
      await proxy.close();
    }
    expect(deliveries.map((d) => d.deliveredSeq)).toEqual(runDirs.map(() => 2));
    const script = 'import mlflow, json, sys; mlflow.set_tracking_uri(sys.argv[1]); print(json.dumps([[d.dataset.digest for d in mlflow.get_run(r).inputs.dataset_inputs] for r in sys.argv[2:]]))';
    const read = spawnSync(inject('mlflowPython'), ['-c', script, inject('mlflowUri'), ...deliveries.map((d) => d.mlflowRunId!)], { encoding: 'utf8', timeout: 120_000 });
    expect(JSON.parse(read.stdout)).toEqual(runDirs.map(() => ['race0000race0000']));
  });

  it('has one validation point per epoch, each at its own step, and the manifest as the source', () => {
    const student = back.val_history['student/val/accuracy'];
    expect(student).toHaveLength(EPOCHS);
    expect(new Set(student.map(([step]) => step)).size).toBe(EPOCHS);
    expect(back.val_history['baseline/val/accuracy'].length).toBeLessThanOrEqual(back.val_history['baseline/val/loss'].length);
    const baselineSteps = back.val_history['baseline/val/accuracy'].map(([step]) => step);
    expect(new Set(baselineSteps).size).toBe(baselineSteps.length);
    expect(back.source_name).toBe(relative(REPO_ROOT, manifest).startsWith('..') ? manifest : relative(REPO_ROOT, manifest));
  });
});

/** The run-started event alone: delivering it creates the MLflow run. */
function readJournalHead(runDir: string) {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').slice(0, 1).map((line) => JSON.parse(line));
}
