import { describe, expect, it } from 'vitest';
import { PluginHost } from '../../plugins/plugin-host.js';
import { pluginModule } from '../../plugins/plugin-module.js';
import type { PluginDefinition } from '../../plugins/plugin-definition.js';
import { pluginRequirements, unmetRequirements } from './plugin-requirements.js';

const plugin = (kind: string, name: string) => ({ kind, name, description: name, paramsSchema: { type: 'object' }, create: () => ({}) }) as unknown as PluginDefinition;

const coordinator = PluginHost.create([
  pluginModule('builtins', [plugin('dataset', 'synthetic'), plugin('model', 'mlp'), plugin('loss', 'kl-divergence')], '1.0.0'),
  pluginModule('/home/me/hard-ce.mjs', [plugin('loss', 'hard-ce')], '2.0.0'),
]);
const manifest = { dataset: { type: 'synthetic' }, teacher: { type: 'mlp' }, student: { type: 'mlp' }, losses: [{ type: 'kl-divergence' }, { type: 'hard-ce' }] };

describe('plugin requirements of a queued trial', () => {
  it('lists every plugin a type in the manifest names, with its source and version', () => {
    expect(pluginRequirements(manifest, coordinator.registries)).toEqual([
      { kind: 'dataset', name: 'synthetic', source: 'builtins', version: '1.0.0' },
      { kind: 'model', name: 'mlp', source: 'builtins', version: '1.0.0' },
      { kind: 'loss', name: 'kl-divergence', source: 'builtins', version: '1.0.0' },
      { kind: 'loss', name: 'hard-ce', source: '/home/me/hard-ce.mjs', version: '2.0.0' },
    ]);
  });

  it('names what a worker lacks or has in another version, and nothing when it has them all', () => {
    const required = pluginRequirements(manifest, coordinator.registries);
    const worker = PluginHost.create([pluginModule('builtins', [plugin('dataset', 'synthetic'), plugin('model', 'mlp'), plugin('loss', 'kl-divergence')], '1.1.0')]);
    expect(unmetRequirements(required, worker.registries)).toEqual([
      'has the dataset plugin "synthetic" (from builtins@1.0.0) in version 1.1.0, not 1.0.0',
      'has the model plugin "mlp" (from builtins@1.0.0) in version 1.1.0, not 1.0.0',
      'has the loss plugin "kl-divergence" (from builtins@1.0.0) in version 1.1.0, not 1.0.0',
      'lacks the loss plugin "hard-ce" (from /home/me/hard-ce.mjs@2.0.0)',
    ]);
    expect(unmetRequirements(required, coordinator.registries)).toEqual([]);
  });
});
