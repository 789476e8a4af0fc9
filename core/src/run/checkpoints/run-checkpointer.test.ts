import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PluginHost } from '../../plugins/plugin-host.js';
import { pluginModule } from '../../plugins/plugin-module.js';
import { definePlugin } from '../../plugins/define-plugin.js';
import { parseManifestText } from '../../manifest/parse-manifest-text.js';
import { validateManifest } from '../../manifest/validate-manifest.js';
import { seededRandom } from '../../random/seeded-random.js';
import { currentMathRandom, withSeededMathRandom } from '../../random/seeded-math-random.js';
import { prepareRun } from '../pipeline/prepare-run.js';
import { StagePipeline } from '../pipeline/stage-pipeline.js';
import { EarlyStopping } from '../pipeline/early-stopping-hooks.js';
import type { RunnerHooks } from '../pipeline/run-stage.js';
import { listCheckpoints, loadCheckpoint, verifyCheckpoint } from './checkpoint-files.js';
import { RunCheckpointer, type CheckpointMeta } from './run-checkpointer.js';
import toyPlugins from '../../../../test/fixtures/plugins/toy-plugins.js';

const noise = definePlugin({
  kind: 'dataset',
  name: 'noise',
  description: 'Seeded normal features, labels i mod 3',
  paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,
  create: () => {
    const random = seededRandom(3);
    const split = (count: number) => ({ x: Float32Array.from({ length: count * 4 }, () => random.normal()), y: Int32Array.from({ length: count }, (_, i) => i % 3), count });
    return { inputShape: [4], numClasses: 3, train: split(40), validation: split(12), test: split(12), fingerprint: 'noise' };
  },
});
const host = PluginHost.create([toyPlugins, pluginModule('run-checkpointer.test', [noise])]);
const manifest = {
  name: 'checkpointer',
  dataset: { type: 'noise' },
  teacher: { type: 'mlp', train: { epochs: 1, batchSize: 8 } },
  student: { type: 'mlp', params: { hidden: [5] } },
  losses: [{ type: 'cross-entropy' }],
  optimizer: { type: 'adam', params: { learningRate: 0.05 } },
  training: { epochs: 3, batchSize: 8 },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs every stage (with checkpoints into `runDir` when given, resumed from `resumeFrom`); returns the student's weights. */
// As a run does: under the seeded Math.random (initial weights, dropout), whose position checkpoints keep.
const train = (runDir?: string, resumeFrom?: string) => withSeededMathRandom(7, () => trainOnce(runDir, resumeFrom));

async function trainOnce(runDir?: string, resumeFrom?: string): Promise<{ weights: number[][]; tensorsLeft: number }> {
  const loaded = validateManifest(parseManifestText(JSON.stringify(manifest), 'checkpointer.json'), { host });
  const prepared = await prepareRun(loaded, host);
  const pipeline = new StagePipeline(prepared, { backend: { name: 'cpu' }, log: { info: () => undefined } });
  const before = tf.memory().numTensors;
  const log = { info: () => undefined, warn: () => undefined };
  const earlyStopping = new EarlyStopping({ metric: 'val/loss', mode: 'min', minDelta: 0, restoreBest: true }, new Set(['student']), log);
  let hooks: RunnerHooks = earlyStopping.wrap({ metrics: async () => undefined });
  const from = runDir && resumeFrom ? await loadCheckpoint(verifyCheckpoint<CheckpointMeta>(runDir, resumeFrom)) : undefined;
  if (runDir) {
    const checkpointer = new RunCheckpointer({
      runDir,
      prepared,
      settings: { keep: 100, everySteps: 3 },
      params: {},
      invocation: { manifest: 'checkpointer.json', overrides: [], plugins: [], cache: false },
      earlyStopping,
      runRandom: currentMathRandom(),
      journalSeq: () => 0,
      baseline: () => pipeline.baselineModel?.model,
      log,
      ...(from ? { resumeFrom: from } : {}),
    });
    hooks = checkpointer.wrap(hooks);
  }
  await pipeline.runAll(hooks);
  const weights = prepared.student.model.getWeights().map((w) => Array.from(w.dataSync()));
  earlyStopping.dispose();
  tf.dispose([...(from?.tensors.values() ?? [])]);
  // What the run made and keeps (the baseline model) is freed by the pipeline; anything else left is a leak.
  pipeline.dispose();
  const tensorsLeft = tf.memory().numTensors - before;
  prepared.dispose();
  return { weights, tensorsLeft };
}

describe('RunCheckpointer', () => {
  it('writes checkpoints and resumes from one to the same weights, leaking no tensor either way', async () => {
    const plain = await train();
    const runDir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    const written = await train(runDir);
    expect(written.weights).toEqual(plain.weights);
    expect(written.tensorsLeft).toBe(plain.tensorsLeft);
    const names = listCheckpoints(runDir);
    // teacher 5 steps, student 15, baseline 15: a checkpoint every 3 steps and at each of the 1 + 3 + 3 epoch ends.
    expect(names.length).toBeGreaterThan(10);
    const mid = names.find((name) => verifyCheckpoint<CheckpointMeta>(runDir, name).meta.stage === 'student')!;
    const resumed = await train(runDir, mid);
    expect(resumed.weights).toEqual(plain.weights);
    expect(resumed.tensorsLeft).toBe(plain.tensorsLeft);
  });
});
