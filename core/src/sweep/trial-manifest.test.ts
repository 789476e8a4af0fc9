import { describe, expect, it } from 'vitest';
import { PluginHost } from '../plugins/plugin-host.js';
import { buildTrialManifest } from './trial-manifest.js';
import type { SweepParameterSpec } from './sweep-spec.js';
// Core is tested with its own small plugins (test/fixtures/plugins/toy-plugins.ts), not the built-ins.
import toyPlugins from '../../../test/fixtures/plugins/toy-plugins.js';

const { registries } = PluginHost.create([toyPlugins]);

const base = {
  name: 'toy',
  dataset: { type: 'digits' },
  teacher: { type: 'mlp' },
  student: { type: 'mlp' },
  losses: [
    { type: 'kl-divergence', params: { temperature: 2 }, weight: 0.9 },
    { type: 'cross-entropy', weight: 0.1 },
  ],
  training: { epochs: 2 },
  sweep: { parameters: {} },
};

const param = (key: string, values: unknown[]): SweepParameterSpec => ({
  key,
  paths: key.split(',').map((p) => p.split('.')),
  domain: { kind: 'values', values },
});

describe('a trial\'s manifest', () => {
  it('sets comma-joined paths together, drops the sweep and fills every default', () => {
    const weights = param('losses.0.weight,losses.1.weight', [[0.5, 0.5]]);
    const { manifest, issues } = buildTrialManifest(base, [weights], { 'losses.0.weight,losses.1.weight': [0.5, 0.5] }, registries);
    expect(issues).toEqual([]);
    expect(manifest!.sweep).toBeUndefined();
    expect(manifest!.losses).toEqual([
      { type: 'kl-divergence', params: { temperature: 2 }, weight: 0.5 },
      { type: 'cross-entropy', params: {}, weight: 0.5 },
    ]);
    expect(manifest!.student).toEqual({ type: 'mlp', params: { hidden: [8], activation: 'relu' } });
    expect(base.losses[0].weight).toBe(0.9);
  });

  it('blames the parameter that changed a plugin\'s type for params that no longer fit it', () => {
    const type = param('losses.0.type', ['kl-divergence', 'cross-entropy']);
    const { issues } = buildTrialManifest(base, [param('training.epochs', [3]), type], { 'training.epochs': 3, 'losses.0.type': 'cross-entropy' }, registries);
    expect(issues).toEqual([
      { pointer: '/parameters/losses.0.type', at: 'key', message: 'value "cross-entropy": /losses/0/params/temperature: unknown key "temperature"; no keys are allowed here' },
    ]);
  });

  it('addresses a stage by name, and blames that parameter for a value its stage refuses', () => {
    const staged = { ...base, stages: [{ name: 'hint' }, { name: 'kd', epochs: 1 }] };
    const epochs = param('stages.kd.epochs', [4, 0]);
    const good = buildTrialManifest(staged, [epochs], { 'stages.kd.epochs': 4 }, registries);
    expect(good.issues).toEqual([]);
    expect(good.manifest!.stages).toEqual([{ name: 'hint' }, { name: 'kd', epochs: 4 }]);
    const bad = buildTrialManifest(staged, [param('training.epochs', [3]), epochs], { 'training.epochs': 3, 'stages.kd.epochs': 0 }, registries);
    expect(bad.issues).toEqual([{ pointer: '/parameters/stages.kd.epochs', at: 'key', message: 'value 0: /stages/1/epochs: must be >= 1 (got 0)' }]);
  });
});

