import { describe, expect, it } from 'vitest';
import { PluginHost, type JsonSchema } from '@distill/core';
import builtinModule, { builtinPlugins } from './index.js';
import { validParams } from '../test-support/build-plugin.js';

const computePlugins = builtinPlugins.filter((plugin) => plugin.kind !== 'tracker');

describe('built-in plugins', () => {
  it('register under the names the manifests use', () => {
    const { registries } = PluginHost.create([builtinModule]);
    expect(registries.dataset.names()).toEqual(['csv', 'mnist', 'synthetic']);
    expect(registries.model.names()).toEqual(['cnn', 'mlp', 'resnet', 'tfjs-model']);
    expect(registries.loss.names()).toEqual(['cross-entropy', 'feature-mse', 'kl-divergence']);
    expect(registries.optimizer.names()).toEqual(['adam', 'rmsprop', 'sgd']);
    expect(registries.scheduler.names()).toEqual(['constant', 'cosine', 'exponential', 'step']);
  });

  it.each(computePlugins.map((plugin) => [`${plugin.kind} ${plugin.name}`, plugin] as const))(
    '%s: a closed params schema that describes every property and compiles in strict ajv',
    (_, plugin) => {
      const schema = plugin.paramsSchema as JsonSchema;
      expect(plugin.description.length).toBeGreaterThan(10);
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${plugin.name}.${key}`).toBeTruthy();
      }
      const required = new Set(schema.required ?? []);
      const minimal = Object.fromEntries([...required].map((key) => [key, exampleValue(schema.properties![key])]));
      expect(() => validParams(plugin, minimal)).not.toThrow();
      expect(() => validParams(plugin, { ...minimal, notAParam: 1 })).toThrow('must NOT have additional properties');
    },
  );
});

function exampleValue(schema: JsonSchema): unknown {
  return schema.type === 'string' ? 'x' : 1;
}
