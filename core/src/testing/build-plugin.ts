// Builds one plugin the way a run builds it, for a plugin author's tests: params checked against its schema with the
// defaults filled in (the same validator manifests go through), then built through a registry in a child container
// with a build context and the run services (environment, warnings).
import type { BuildContext } from '../plugins/build-context.js';
import type { PluginDefinition } from '../plugins/plugin-definition.js';
import type { PluginInstanceOf } from '../plugins/plugin-instances.js';
import type { PluginKind } from '../plugins/plugin-kind.js';
import type { RunServices } from '../plugins/run-services.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { pluginModule } from '../plugins/plugin-module.js';
import { validatedParams } from '../manifest/params-validator.js';

export { validatedParams } from '../manifest/params-validator.js';

/**
 * ```ts
 * const loss = await buildPlugin(cosineHint, { teacherLayer: 'hidden1', studentLayer: 'hidden1' }, { models });
 * const value = loss.compute(inputs);
 * ```
 * Throws a UserError listing every param that does not satisfy the schema.
 */
export async function buildPlugin<K extends PluginKind, P>(
  plugin: PluginDefinition<K, P>,
  params: Partial<P> | Record<string, unknown> = {},
  context: Partial<BuildContext> = {},
  services: RunServices = {},
): Promise<PluginInstanceOf<K>> {
  const filled = validatedParams(plugin, params as Record<string, unknown>);
  const host = PluginHost.create([pluginModule(plugin.source ?? 'buildPlugin', [plugin as PluginDefinition])]);
  const registry = host.registries[plugin.kind];
  return registry.build(plugin.name, filled, { manifestDir: process.cwd(), seed: 0, pointer: `/${plugin.kind}`, ...context }, services);
}
