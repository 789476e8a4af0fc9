import { describe, expect, it } from 'vitest';
import { PluginHost } from '../plugins/plugin-host.js';
import { pluginModule } from '../plugins/plugin-module.js';
import { definePlugin } from '../plugins/define-plugin.js';
import type { JsonSchema } from '../plugins/json-schema.js';
import { createManifestAjv } from './manifest-ajv.js';
import { composeEditorSchema } from './compose-schema.js';
// Core is tested with its own small plugins, plus one here whose params schema uses internal $refs.
import { toyPlugins } from '../../../test/fixtures/plugins/toy-plugins.js';

const layered = definePlugin({
  kind: 'loss',
  name: 'layered',
  description: 'params with $ref into its own definitions',
  paramsSchema: {
    type: 'object',
    definitions: { layerName: { type: 'string', minLength: 1 } },
    properties: { layers: { type: 'array', items: { $ref: '#/definitions/layerName' } } },
    required: ['layers'],
    additionalProperties: false,
  } as const,
  create: () => ({ requires: {}, compute: () => { throw new Error('not built here'); } }),
});

const schema = composeEditorSchema(PluginHost.create([pluginModule('toy', [...toyPlugins, layered])]).registries);
const validate = createManifestAjv().compile(schema);

const manifest = (loss: object) => ({
  name: 'toy',
  dataset: { type: 'digits' },
  teacher: { type: 'mlp', params: { hidden: [16] } },
  student: { type: 'mlp' },
  losses: [loss],
  training: { epochs: 1 },
});

function errorsAt(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).filter((error) => error.keyword !== 'if').map((error) => `${error.instancePath} ${error.message}`);
}

describe('composeEditorSchema', () => {
  it('offers the registered names, with their descriptions, for each reference\'s type', () => {
    const definitions = schema.definitions as Record<string, JsonSchema>;
    expect(definitions.LossReference.properties!.type.enum).toEqual(['cross-entropy', 'hint', 'kl-divergence', 'layered']);
    expect(definitions.LossReference.properties!.type.enumDescriptions).toEqual(['Hard-label loss', 'Matches a teacher layer with a student layer', 'Soft-target loss at a temperature', 'params with $ref into its own definitions']);
    expect(definitions.TeacherReference.properties!.type.enum).toEqual(['mlp']);
    expect(definitions.TeacherReference.properties!.train).toBeDefined();
    expect(schema.$id).toBe('https://distill.dev/schemas/distill.schema.json');
  });

  it('accepts a valid manifest', () => {
    expect(errorsAt(manifest({ type: 'kl-divergence', params: { temperature: 2 } }))).toEqual([]);
  });

  it('checks params against the schema of the plugin the type names', () => {
    expect(errorsAt(manifest({ type: 'kl-divergence', params: { temperature: -1 } }))).toContain('/losses/0/params/temperature must be > 0');
    expect(errorsAt(manifest({ type: 'cross-entropy', params: { temperature: 2 } }))).toEqual(['/losses/0/params must NOT have additional properties']);
    expect(errorsAt({ ...manifest({ type: 'hint', params: { teacherLayer: 'a', studentLayer: 'b' } }), optimizer: { type: 'adam', params: { learningRate: 'fast' } } })).toEqual([
      '/optimizer/params/learningRate must be number',
    ]);
  });

  it('rejects a type that is not registered', () => {
    expect(errorsAt(manifest({ type: 'kl-divergance' }))).toEqual(['/losses/0/type must be equal to one of the allowed values']);
  });

  it('keeps a plugin\'s internal $refs working', () => {
    expect(errorsAt(manifest({ type: 'layered', params: { layers: ['hidden1'] } }))).toEqual([]);
    expect(errorsAt(manifest({ type: 'layered', params: { layers: [''] } }))).toEqual(['/losses/0/params/layers/0 must NOT have fewer than 1 characters']);
  });

  it('leaves the type of a kind without plugins open', () => {
    const bare = composeEditorSchema(PluginHost.create([]).registries);
    expect((bare.definitions as Record<string, JsonSchema>).LossReference.properties!.type).toEqual({ type: 'string', description: 'Name of a loss plugin (see `distill plugins`).' });
  });
});
