// A real run directory for tracker tests: events recorded through core's RunRecorder (journal first, then the
// trackers) with real files as artifacts, and the checks that MLflow holds every journaled record exactly once.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { builtinPlugins } from '@distill/plugins';
import { buildPlugin, type RecordedEvent, type Tracker, type WarnSink } from '@distill/core';
import type { MlflowClient } from '@distill/core/tracking';
import { RunRecorder } from '../../core/src/tracking/run-recorder.js';
import { readJournal } from '../../core/src/tracking/run-journal.js';

export interface TrackerParams {
  trackingUri: string;
  experimentName?: string;
  runName?: string;
  tags?: Record<string, string>;
  flushTimeoutSeconds?: number;
  retryIntervalSeconds?: number;
}

/** The `mlflow` tracker exactly as a run builds it from its manifest params; its warnings go to `warnings` (stderr by default). */
export async function mlflowTracker(params: TrackerParams, warnings?: WarnSink): Promise<Tracker> {
  const plugin = builtinPlugins.find((p) => p.kind === 'tracker' && p.name === 'mlflow')!;
  return buildPlugin(plugin, { flushTimeoutSeconds: 60, retryIntervalSeconds: 0.5, ...params }, { seed: 1, pointer: '/tracking' }, warnings ? { warnings } : {});
}

export interface Scenario {
  readonly runDir: string;
  readonly runId: string;
  readonly warnings: string[];
}

export interface ScenarioOptions {
  readonly steps?: number;
  readonly stepsPerEpoch?: number;
  /** Called after each training step's metrics were recorded (fault injection happens here). */
  readonly afterStep?: (step: number) => Promise<void> | void;
  readonly status?: 'FINISHED' | 'FAILED' | 'KILLED';
  readonly error?: string;
  /** Extra params (the manifest's `tracking.params`, say); also written into manifest.resolved.json. */
  readonly extraParams?: Record<string, string>;
  /** The tracking manifest.resolved.json records, as a run records the tracker it used (what `distill sync` reads). */
  readonly tracking?: { type: string; params: Record<string, unknown> };
}

export function newRunDir(): { runsDir: string; runDir: string; runId: string } {
  const runsDir = mkdtempSync(join(tmpdir(), 'distill-runs-'));
  const runId = `20261128-000000-${randomBytes(3).toString('hex')}`;
  const runDir = join(runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  return { runsDir, runDir, runId };
}

/** Records a small distillation run: params, tags, per-step losses and learning rate, per-epoch validation, artifacts. */
export async function recordScenario(runDir: string, runId: string, trackers: Tracker[], options: ScenarioOptions = {}): Promise<Scenario> {
  const warnings: string[] = [];
  const recorder = new RunRecorder(runDir, trackers, { warn: (message) => warnings.push(message) });
  const steps = options.steps ?? 40;
  const stepsPerEpoch = options.stepsPerEpoch ?? 10;
  await recorder.record({ type: 'run-started', runId, name: 'kd-fixture', runDir, startTime: Date.now() - 1000, description: 'A fixture run: KL at T=4 plus cross-entropy.' });
  await recorder.params({
    name: 'kd-fixture', seed: '7', 'dataset.type': 'synthetic', 'losses.0.type': 'kl-divergence', 'losses.0.params.temperature': '4',
    'losses.0.weight': '0.9', 'losses.1.type': 'cross-entropy', 'training.batchSize': '64', 'training.epochs': String(steps / stepsPerEpoch),
    ...options.extraParams,
  });
  await recorder.tags({ 'distill.version': '0.1.0', 'distill.backend': 'wasm', 'distill.plugins': 'mlp@0.1.0,kl-divergence@0.1.0', 'distill.dataset': 'synthetic' });
  for (let step = 1; step <= steps; step++) {
    const epoch = Math.ceil(step / stepsPerEpoch);
    const timestamp = Date.now();
    const kl = 2 / step;
    const ce = 1 / Math.sqrt(step);
    await recorder.metrics([
      { key: 'loss/kl-divergence', value: kl, step, epoch, timestamp },
      { key: 'loss/cross-entropy', value: step === 3 ? NaN : ce, step, epoch, timestamp },
      { key: 'loss/total', value: 0.9 * kl + 0.1 * ce, step, epoch, timestamp },
      { key: 'learning_rate', value: 0.003 * (1 - step / (steps + 1)), step, epoch, timestamp },
    ]);
    if (step % stepsPerEpoch === 0) {
      await recorder.metrics([
        { key: 'val/accuracy', value: 0.5 + epoch / 20, step, epoch, timestamp },
        { key: 'val/loss', value: 1 / epoch, step, epoch, timestamp },
      ]);
    }
    await options.afterStep?.(step);
    await new Promise((resolve) => setImmediate(resolve));
  }
  mkdirSync(join(runDir, 'student'), { recursive: true });
  writeFileSync(join(runDir, 'student', 'model.json'), JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'] }] }));
  writeFileSync(join(runDir, 'student', 'weights.bin'), randomBytes(200_000));
  writeFileSync(join(runDir, 'manifest.resolved.json'), `${JSON.stringify({ name: 'kd-fixture', seed: 7, ...options.extraParams, ...(options.tracking ? { tracking: options.tracking } : {}) }, null, 2)}\n`);
  writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify({ runId, name: 'kd-fixture', status: options.status ?? 'FINISHED', metrics: { 'student/accuracy': 0.71, 'student/loss': 0.9 } }, null, 2)}\n`);
  for (const file of ['manifest.resolved.json', 'student/model.json', 'student/weights.bin', 'summary.json', 'metrics.jsonl']) await recorder.artifact(join(runDir, file));
  await recorder.end(options.status ?? 'FINISHED', options.error);
  return { runDir, runId, warnings };
}

type Point = { step: number; value: number; timestamp: number };

/** What the journal says MLflow must hold. */
export function journalExpectations(runDir: string) {
  const events = readJournal(runDir);
  const params: Record<string, string> = {};
  const tags: Record<string, string> = {};
  const metrics = new Map<string, Point[]>();
  const artifacts: string[] = [];
  let ended: Extract<RecordedEvent, { type: 'run-ended' }> | undefined;
  for (const event of events) {
    if (event.type === 'params') Object.assign(params, event.params);
    if (event.type === 'tags') Object.assign(tags, event.tags);
    if (event.type === 'metrics') for (const p of event.points) metrics.set(p.key, [...(metrics.get(p.key) ?? []), { step: p.step, value: p.value, timestamp: p.timestamp }]);
    if (event.type === 'artifact') artifacts.push(event.path);
    if (event.type === 'run-ended') ended = event;
  }
  return { events, params, tags, metrics, artifacts, ended };
}

const byStep = (a: Point, b: Point) => a.step - b.step || a.timestamp - b.timestamp;

/** MLflow holds every param, tag, metric point and artifact of the journal exactly once, and the final status. */
export async function expectRunInMlflow(client: MlflowClient, runDir: string, mlflowRunId: string): Promise<void> {
  const expected = journalExpectations(runDir);
  const run = await client.getRun(mlflowRunId);
  expect(Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))).toEqual(expected.params);
  const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
  expect(tags).toMatchObject(expected.tags);
  for (const [key, points] of expected.metrics) {
    const history = (await client.getMetricHistory(mlflowRunId, key)).map(({ step, value, timestamp }) => ({ step, value, timestamp }));
    expect(history.sort(byStep), `metric ${key}`).toEqual([...points].sort(byStep));
  }
  expect(run.data.metrics.map((m) => m.key).sort()).toEqual([...expected.metrics.keys()].sort());
  const files = await client.listAllArtifacts(mlflowRunId);
  expect(files.map((f) => f.path).sort()).toEqual([...expected.artifacts].sort());
  for (const path of expected.artifacts) {
    expect(Buffer.from(await client.downloadArtifact(run.info, path)).equals(readFileSync(join(runDir, path))), path).toBe(true);
  }
  if (expected.ended) {
    expect(run.info.status).toBe(expected.ended.status);
    expect(run.info.end_time).toBe(expected.ended.endTime);
  }
  const twins = await client.searchRuns({ experimentIds: [run.info.experiment_id], filter: `tags.\`distill.runId\` = '${tags['distill.runId']}'` });
  expect(twins.runs).toHaveLength(1);
}

export function mlflowState(runDir: string): { runId?: string; experimentId?: string; deliveredSeq: number; trackingUri: string; lastError?: string } {
  return JSON.parse(readFileSync(join(runDir, 'mlflow.json'), 'utf8'));
}
