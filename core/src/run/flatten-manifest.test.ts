import { describe, expect, it } from 'vitest';
import { flattenManifest } from './flatten-manifest.js';

describe('flattenManifest', () => {
  it('turns nested objects and arrays into dotted keys with JSON-encoded leaves', () => {
    const flat = flattenManifest({
      $schema: '../schemas/distill.schema.json',
      name: 'x',
      losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: { schedule: 'linear', from: 1, to: 0 } }],
      training: { batchSize: 64, shuffle: true },
      student: { type: 'mlp', params: { hidden: [128, 64] } },
      plugins: [],
      tracking: { type: 'local', params: {} },
    });
    expect(flat).toEqual({
      name: 'x',
      'losses.0.type': 'kl-divergence',
      'losses.0.params.temperature': '4',
      'losses.0.weight.schedule': 'linear',
      'losses.0.weight.from': '1',
      'losses.0.weight.to': '0',
      'training.batchSize': '64',
      'training.shuffle': 'true',
      'student.type': 'mlp',
      'student.params.hidden.0': '128',
      'student.params.hidden.1': '64',
      plugins: '[]',
      'tracking.type': 'local',
      'tracking.params': '{}',
    });
  });
});
