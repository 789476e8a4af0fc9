import { describe, expect, it } from 'vitest';
import { PluginHost } from '../../plugins/plugin-host.js';
import { parseManifestText } from '../../manifest/parse-manifest-text.js';
import { validateManifest } from '../../manifest/validate-manifest.js';
import { planStages } from './plan-stages.js';
import toyPlugins from '../../../../test/fixtures/plugins/toy-plugins.js';

const host = PluginHost.create([toyPlugins]);

function experiment(extra: Record<string, unknown>) {
  const manifest = {
    name: 'plans',
    dataset: { type: 'digits' },
    teacher: { type: 'mlp', train: { epochs: 3, batchSize: 16 } },
    student: { type: 'mlp', params: { hidden: [4] } },
    losses: [{ type: 'kl-divergence' }, { type: 'cross-entropy', weight: 0.1 }],
    optimizer: { type: 'adam', params: { learningRate: 0.01 } },
    training: { epochs: 5, batchSize: 32 },
    ...extra,
  };
  return validateManifest(parseManifestText(JSON.stringify(manifest), 'plans.json'), { host }).experiment;
}

const summary = (plans: ReturnType<typeof planStages>) => plans.map((p) => ({ name: p.name, kind: p.kind, epochs: p.epochs, batchSize: p.batchSize, pointer: p.pointer }));

describe('planStages', () => {
  it('plans the classic run: the teacher, the student, the baseline with the student\'s budget', () => {
    const plans = planStages(experiment({}));
    expect(summary(plans)).toEqual([
      { name: 'teacher', kind: 'teacher', epochs: 3, batchSize: 16, pointer: '/teacher/train' },
      { name: 'student', kind: 'distill', epochs: 5, batchSize: 32, pointer: '/training' },
      { name: 'baseline', kind: 'baseline', epochs: 5, batchSize: 32, pointer: '/training/baseline' },
    ]);
    expect(plans[0].model).toEqual({ teacher: 'teacher' });
    expect(plans[1].losses.map((l) => [l.type, l.pointer])).toEqual([['kl-divergence', '/losses/0'], ['cross-entropy', '/losses/1']]);
    expect(plans[2].budget).toEqual({ stepsOf: ['student'] });
    expect(plans[2].losses).toEqual([]);
  });

  it('plans no stage for a teacher that needs no training, and no baseline when it is switched off', () => {
    expect(planStages(experiment({ training: { epochs: 2, baseline: false } }), new Set(['teacher'])).map((p) => p.name)).toEqual(['student']);
  });

  it('gives each of several teachers its own stage, named after it', () => {
    const plans = planStages(experiment({ teacher: undefined, teachers: { wide: { type: 'mlp' }, deep: { type: 'mlp', params: { hidden: [8, 8] } } } }), new Set(['deep']));
    expect(plans.map((p) => [p.name, p.pointer])).toEqual([['teacher/wide', '/teachers/wide/train'], ['student', '/training'], ['baseline', '/training/baseline']]);
  });

  it('user stages inherit what they leave out from the stage before (the first from the top level), in order', () => {
    const plans = planStages(
      experiment({
        stages: [
          { name: 'hint', losses: [{ type: 'hint', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1' } }], epochs: 2, trainable: { freeze: ['logits'] } },
          { name: 'kd', losses: [{ type: 'kl-divergence' }], optimizer: { type: 'adam', params: { learningRate: 0.002 } } },
          { name: 'polish', batchSize: 8, trainable: { freeze: [] } },
        ],
      }),
      new Set(['teacher']),
    );
    expect(summary(plans)).toEqual([
      { name: 'hint', kind: 'distill', epochs: 2, batchSize: 32, pointer: '/stages/0' },
      { name: 'kd', kind: 'distill', epochs: 2, batchSize: 32, pointer: '/stages/1' },
      { name: 'polish', kind: 'distill', epochs: 2, batchSize: 8, pointer: '/stages/2' },
      { name: 'baseline', kind: 'baseline', epochs: 5, batchSize: 32, pointer: '/training/baseline' },
    ]);
    const [hint, kd, polish, baseline] = plans;
    expect(hint.losses.map((l) => l.pointer)).toEqual(['/stages/0/losses/0']);
    expect(hint.optimizer.params).toEqual({ learningRate: 0.01 });
    expect(hint.pointers).toEqual({ optimizer: '/optimizer', scheduler: '/scheduler' });
    expect(hint.trainable).toEqual({ freeze: ['logits'] });
    expect(kd.trainable).toEqual({ freeze: ['logits'] });
    expect(kd.optimizer.params).toEqual({ learningRate: 0.002 });
    expect(kd.pointers.optimizer).toBe('/stages/1/optimizer');
    // The same losses (same place, so the same built terms) when a stage keeps the previous stage's.
    expect(polish.losses).toBe(kd.losses);
    expect(polish.pointers.optimizer).toBe('/stages/1/optimizer');
    expect(polish.trainable).toEqual({ freeze: [] });
    expect(baseline.budget).toEqual({ stepsOf: ['hint', 'kd', 'polish'] });
    expect(baseline.optimizer.params).toEqual({ learningRate: 0.01 });
  });
});
