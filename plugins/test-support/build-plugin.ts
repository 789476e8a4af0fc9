// Builds a plugin for a unit test the way a run does: params validated against the plugin's schema with the manifest's
// ajv options (defaults filled in, unknown keys rejected), then built through a registry in a child container.
import { Ajv } from 'ajv';
import {
  PluginHost,
  pluginModule,
  type BuildContext,
  type PluginDefinition,
  type PluginInstanceOf,
  type PluginKind,
} from '@distill/core';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strictTypes: false, strictRequired: false });

/** The params a run would pass after validation; throws with ajv's messages when they are invalid. */
export function validParams(plugin: PluginDefinition, params: Record<string, unknown> = {}): Record<string, unknown> {
  const copy = structuredClone(params);
  const validate = ajv.compile(plugin.paramsSchema);
  if (!validate(copy)) throw new Error(`invalid ${plugin.name} params: ${ajv.errorsText(validate.errors)}`);
  return copy;
}

export const testContext: BuildContext = { manifestDir: process.cwd(), seed: 42, pointer: '/test' };

export async function buildPlugin<K extends PluginKind>(
  plugin: PluginDefinition<K>,
  params: Record<string, unknown> = {},
  context: Partial<BuildContext> = {},
): Promise<PluginInstanceOf<K>> {
  const host = PluginHost.create([pluginModule('test', [plugin])]);
  const registry = host.registries[plugin.kind] as unknown as {
    build(name: string, params: unknown, context: BuildContext, parent: unknown): Promise<PluginInstanceOf<K>>;
  };
  return registry.build(plugin.name, validParams(plugin, params), { ...testContext, ...context }, host.container);
}
