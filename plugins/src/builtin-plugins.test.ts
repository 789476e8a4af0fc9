import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PluginHost, validatedParams, type JsonSchema } from '@distill/core';
import builtinModule, { builtinPlugins } from './index.js';

// ajv in full strict mode (every strict option on; union types such as ["string", "integer"] allowed explicitly): a
// schema that compiles here has no unknown keywords, no `type`-less constraints and no `required` key missing from
// `properties`.
const strictAjv = new Ajv({ strict: true, strictTypes: true, strictTuples: true, strictRequired: true, allowUnionTypes: true, allErrors: true, useDefaults: true });
// Product and class names written in CamelCase; any other CamelCase word in a description is a typo ("MlflowRun name").
const CAMEL_CASE_NAMES = new Set(['TensorFlow', 'JavaScript', 'TypeScript', 'PyTorch', 'LayersModel', 'GraphModel', 'ReLU']);
for (const keyword of ['markdownDescription', 'enumDescriptions']) strictAjv.addKeyword(keyword);

describe('built-in plugins', () => {
  it('register under the names the manifests use', () => {
    const { registries } = PluginHost.create([builtinModule]);
    expect(registries.dataset.names()).toEqual(['csv', 'image-folder', 'mnist', 'spam-assassin', 'synthetic', 'text']);
    expect(registries.model.names()).toEqual(['cnn', 'embedding-bag', 'mlp', 'resnet', 'text-cnn', 'tfjs-model']);
    expect(registries.loss.names()).toEqual(['attention-transfer', 'binary-cross-entropy', 'crd', 'cross-entropy', 'dkd', 'feature-mse', 'fitnets', 'kl-divergence', 'pkt', 'rkd', 'similarity-preserving']);
    expect(registries.optimizer.names()).toEqual(['adam', 'rmsprop', 'sgd']);
    expect(registries.scheduler.names()).toEqual(['constant', 'cosine', 'exponential', 'step']);
    expect(registries.tracker.names()).toEqual(['local', 'mlflow']);
    expect(registries.tokenizer.names()).toEqual(['char-ngram', 'word']);
  });

  it.each(builtinPlugins.map((plugin) => [`${plugin.kind} ${plugin.name}`, plugin] as const))(
    '%s: a closed params schema that describes every property and compiles in strict ajv',
    (_, plugin) => {
      const schema = plugin.paramsSchema as JsonSchema;
      expect(plugin.description.length).toBeGreaterThan(10);
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${plugin.name}.${key}`).toBeTruthy();
        const camel = (property.description!.match(/\b[A-Z][a-z]+[A-Z][A-Za-z]*/g) ?? []).filter((word) => !CAMEL_CASE_NAMES.has(word));
        expect(camel, `${plugin.name}.${key}: ${property.description}`).toEqual([]);
      }
      expect(() => strictAjv.compile(schema)).not.toThrow();
      const required = new Set(schema.required ?? []);
      const minimal = Object.fromEntries([...required].map((key) => [key, exampleValue(schema.properties![key])]));
      expect(() => validatedParams(plugin, minimal)).not.toThrow();
      expect(() => validatedParams(plugin, { ...minimal, notAParam: 1 })).toThrow(`/params/notAParam: unknown key "notAParam"`);
    },
  );
});

function exampleValue(schema: JsonSchema): unknown {
  if (schema.type === 'array') return Array.from({ length: (schema as { minItems?: number }).minItems ?? 1 }, () => exampleValue((schema as { items: JsonSchema }).items));
  if (schema.type === 'object') return Object.fromEntries((schema.required ?? []).map((key) => [key, exampleValue(schema.properties![key])]));
  return schema.type === 'string' ? 'x' : 1;
}
