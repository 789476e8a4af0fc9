import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PluginHost } from '../../plugins/plugin-host.js';
import { pluginModule } from '../../plugins/plugin-module.js';
import { definePlugin } from '../../plugins/define-plugin.js';
import { parseManifestText } from '../../manifest/parse-manifest-text.js';
import { validateManifest } from '../../manifest/validate-manifest.js';
import { ManifestError } from '../../manifest/manifest-error.js';
import type { TeacherSource } from '../../plugins/teacher-source.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';
import toyPlugins from '../../../../test/fixtures/plugins/toy-plugins.js';

// Plugins for what the toy set lacks: a loss that asks for sample ids or multi-label targets, a dataset without
// stable ids, and a teacher source that gives only probabilities.
const needs = definePlugin({
  kind: 'loss',
  name: 'needs',
  description: 'Asks for what its params say',
  paramsSchema: { type: 'object', properties: { sampleIds: { type: 'boolean', default: false }, targets: { type: 'boolean', default: false }, logits: { type: 'boolean', default: false } }, additionalProperties: false } as const,
  create: (params) => ({ requires: { sampleIds: params.sampleIds, targets: params.targets, teacherLogits: params.logits }, compute: ({ studentLogits }) => studentLogits.sum().mul(0) as tf.Scalar }),
});
const shuffled = definePlugin({
  kind: 'dataset',
  name: 'shuffled',
  description: 'Rows in a different order every run',
  paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,
  create: () => ({ inputShape: [4], numClasses: 3, stableIds: false, train: { x: new Float32Array(8), y: new Int32Array(2), count: 2 }, test: { x: new Float32Array(4), y: new Int32Array(1), count: 1 }, fingerprint: 'x' }),
});
const oracle = definePlugin({
  kind: 'teacher',
  name: 'oracle',
  description: 'Uniform probabilities',
  paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,
  create: (): TeacherSource => ({
    outputs: 'probabilities',
    layers: [{ name: 'embedding', width: 2, shape: [2] }],
    predict: async ({ inputs }) => ({ probabilities: tf.fill([inputs.shape[0], 3], 1 / 3) as tf.Tensor2D, features: {} }),
    describe: () => ({ kind: 'uniform' }),
  }),
});
const host = PluginHost.create([toyPlugins, pluginModule('prepare-run.test', [needs, shuffled, oracle])]);

function loaded(extra: Record<string, unknown>) {
  const manifest = {
    name: 'prepared',
    dataset: { type: 'digits' },
    teacher: { type: 'mlp', params: { hidden: [6, 5] } },
    student: { type: 'mlp', params: { hidden: [4] } },
    losses: [{ type: 'kl-divergence' }, { type: 'cross-entropy', weight: 0.1 }],
    training: { epochs: 1 },
    ...extra,
  };
  return validateManifest(parseManifestText(JSON.stringify(manifest, null, 2), 'prepared.json'), { host });
}

async function issues(extra: Record<string, unknown>): Promise<string[]> {
  try {
    (await prepareRun(loaded(extra), host)).dispose();
    return [];
  } catch (error) {
    // Every issue is placed in the file; what follows the place is what this test checks.
    if (error instanceof ManifestError) return error.message.split('\n').map((line) => line.replace(/^prepared\.json:\d+:\d+: /, ''));
    throw error;
  }
}

let prepared: PreparedRun | undefined;
afterEach(() => prepared?.dispose());
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('prepareRun', () => {
  it('builds the dataset, the teacher, the student and one term per loss, each routed to the teachers it uses', async () => {
    prepared = await prepareRun(loaded({}), host);
    expect(prepared.teachers.map((t) => [t.name, t.label, t.pointer, Boolean(t.model)])).toEqual([['teacher', 'teacher', '/teacher', true]]);
    expect(prepared.plans.map((p) => p.name)).toEqual(['teacher', 'student', 'baseline']);
    expect([...prepared.terms.entries()].map(([pointer, t]) => [pointer, t.name, t.teachers])).toEqual([
      ['/losses/0', 'kl-divergence', ['teacher']],
      ['/losses/1', 'cross-entropy', []],
    ]);
    // Model plugins that give widths only get their layers' shapes filled in.
    expect(prepared.student.layers).toEqual([{ name: 'hidden1', width: 4, shape: [4] }]);
    expect(prepared.layout).toEqual({ inputShape: [4], inputDtype: 'float32', numClasses: 3, task: 'multiclass' });
  });

  it('shares one term between a stage and the stages that keep its losses', async () => {
    prepared = await prepareRun(loaded({ stages: [{ name: 'a', losses: [{ type: 'cross-entropy' }] }, { name: 'b', epochs: 2 }, { name: 'c', losses: [{ type: 'kl-divergence' }] }] }), host);
    const [a, b, c] = prepared.plans.filter((p) => p.kind === 'distill');
    expect(prepared.termsOf(b)[0]).toBe(prepared.termsOf(a)[0]);
    expect(prepared.termsOf(c)[0]).not.toBe(prepared.termsOf(a)[0]);
    expect([...prepared.terms.keys()]).toEqual(['/stages/0/losses/0', '/stages/2/losses/0']);
  });

  it('lets a loss tap any layer of the tf model, and places a missing one at the loss with the nearest name', async () => {
    // `logits` is not among the toy mlp's declared layers, but it is a layer of its tf model.
    expect(await issues({ losses: [{ type: 'hint', params: { teacherLayer: 'hidden2', studentLayer: 'hidden1' } }] })).toEqual([]);
    const stage = { stages: [{ name: 'hint', losses: [{ type: 'needs' }], trainable: { freeze: ['hiden1', 'hidden*', 'conv*'] } }] };
    expect(await issues(stage)).toEqual([
      '/stages/0/trainable/freeze/0: no layer of the student is named "hiden1"; its layers are: hidden1, logits; hint: did you mean "hidden1"?',
      '/stages/0/trainable/freeze/2: no layer of the student is named "conv…"; its layers are: hidden1, logits',
    ]);
  });

  it('refuses a loss that needs sample ids the dataset cannot promise, or targets a multi-class dataset lacks', async () => {
    expect(await issues({ dataset: { type: 'shuffled' }, losses: [{ type: 'needs', params: { sampleIds: true } }] })).toEqual([
      '/losses/0: loss "needs" indexes samples by id, but the dataset "shuffled" says its sample ids are not stable from run to run',
    ]);
    expect(await issues({ losses: [{ type: 'needs', params: { targets: true } }] })).toEqual([
      '/losses/0: loss "needs" needs multi-label targets, but the dataset "digits" is multi-class; hint: use cross-entropy for one class per sample',
    ]);
  });

  it('builds a teacher source where a teacher names no model plugin; a loss needing logits from a probabilities-only source is refused', async () => {
    prepared = await prepareRun(loaded({ teacher: { type: 'oracle' }, losses: [{ type: 'cross-entropy' }] }), host);
    const [teacher] = prepared.teachers;
    expect([Boolean(teacher.source), teacher.asModel.layers.map((l) => l.name)]).toEqual([true, ['embedding']]);
    expect(() => teacher.asModel.model).toThrow('teacher "teacher" is a teacher source (plugin "oracle" of prepare-run.test), not a tf model: it can only predict');
    expect(prepared.plans.map((p) => p.name)).toEqual(['student', 'baseline']);
    expect(await issues({ teacher: { type: 'oracle' }, losses: [{ type: 'needs', params: { logits: true } }] })).toEqual([
      '/losses/0: loss "needs" needs the teacher\'s logits, but teacher (a teacher source) gives only probabilities',
    ]);
  });

  it('builds several teachers, each with a seed of its own, and gives a loss the one it names', async () => {
    prepared = await prepareRun(loaded({ teacher: undefined, teachers: { wide: { type: 'mlp', params: { hidden: [6] } }, deep: { type: 'mlp', params: { hidden: [6] } } }, losses: [{ type: 'kl-divergence', teacher: 'deep' }] }), host);
    const [wide, deep] = prepared.teachers;
    expect([wide.label, deep.label]).toEqual(['teacher/wide', 'teacher/deep']);
    expect(wide.seed).not.toBe(deep.seed);
    expect(prepared.terms.get('/losses/0')!.teachers).toEqual(['deep']);
  });
});
