import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PluginHost } from '../../plugins/plugin-host.js';
import { pluginModule } from '../../plugins/plugin-module.js';
import { definePlugin } from '../../plugins/define-plugin.js';
import { parseManifestText } from '../../manifest/parse-manifest-text.js';
import { validateManifest } from '../../manifest/validate-manifest.js';
import { seededRandom } from '../../random/seeded-random.js';
import { prepareRun } from './prepare-run.js';
import { StagePipeline } from './stage-pipeline.js';
import type { RunnerHooks } from './run-stage.js';
import toyPlugins from '../../../../test/fixtures/plugins/toy-plugins.js';

// The toy set's data is all zeros and its losses are flat: here a dataset with signal and a loss with a gradient.
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
const shrink = definePlugin({
  kind: 'loss',
  name: 'shrink',
  description: 'Pulls the logits towards zero',
  paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,
  create: () => ({ requires: {}, compute: ({ studentLogits }) => studentLogits.square().mean() as tf.Scalar }),
});
const host = PluginHost.create([toyPlugins, pluginModule('stage-pipeline.test', [noise, shrink])]);

async function pipeline(extra: Record<string, unknown>) {
  const manifest = {
    name: 'pipeline',
    dataset: { type: 'noise' },
    teacher: { type: 'mlp', train: { epochs: 1, batchSize: 8 } },
    student: { type: 'mlp', params: { hidden: [5] } },
    losses: [{ type: 'shrink' }],
    optimizer: { type: 'adam', params: { learningRate: 0.05 } },
    training: { epochs: 2, batchSize: 8 },
    ...extra,
  };
  const loaded = validateManifest(parseManifestText(JSON.stringify(manifest), 'pipeline.json'), { host });
  const prepared = await prepareRun(loaded, host);
  return new StagePipeline(prepared, { backend: { name: 'cpu' }, log: { info: () => undefined } });
}

const hooks: RunnerHooks = { metrics: async () => undefined };
const kernel = (model: tf.LayersModel, layer: string) => Array.from(model.getLayer(layer).getWeights()[0].dataSync());

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('StagePipeline', () => {
  it('runs the classic plans in order; the baseline takes as many steps as the student did; the teacher ends frozen', async () => {
    const run = await pipeline({});
    await run.runAll(hooks);
    expect(run.outcomes.map((o) => [o.plan.name, o.result.steps])).toEqual([['teacher', 5], ['student', 10], ['baseline', 10]]);
    expect(run.prepared.teachers[0].model!.model.trainable).toBe(false);
    expect(run.baselineModel).toBeDefined();
    expect(run.baselineModel!.model).not.toBe(run.prepared.student.model);
    run.dispose();
    run.prepared.dispose();
  });

  it('freezes what a stage names for that stage only, and gives the baseline the steps of every stage', async () => {
    const run = await pipeline({
      stages: [
        { name: 'lower', trainable: { freeze: ['hidden*'] } },
        { name: 'upper', epochs: 1, trainable: { freeze: ['logits'] } },
      ],
    });
    const student = run.prepared.student.model;
    const initial = { hidden1: kernel(student, 'hidden1'), logits: kernel(student, 'logits') };
    let between: typeof initial | undefined;
    await run.runAll({ ...hooks, onStageStart: (_state, plan) => void (plan.name === 'upper' && (between = { hidden1: kernel(student, 'hidden1'), logits: kernel(student, 'logits') })) });
    const final = { hidden1: kernel(student, 'hidden1'), logits: kernel(student, 'logits') };
    // Stage `lower` trained only the logits; stage `upper` only hidden1.
    expect(between!.hidden1).toEqual(initial.hidden1);
    expect(between!.logits).not.toEqual(initial.logits);
    expect(final.logits).toEqual(between!.logits);
    expect(final.hidden1).not.toEqual(between!.hidden1);
    expect(student.layers.map((layer) => layer.trainable)).toEqual([true, true]);
    expect(run.outcomes.map((o) => [o.plan.name, o.result.steps])).toEqual([['teacher', 5], ['lower', 10], ['upper', 5], ['baseline', 15]]);
    run.dispose();
    run.prepared.dispose();
  });
});
