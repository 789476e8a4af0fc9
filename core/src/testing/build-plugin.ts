// Builds one plugin the way a run builds it, for a plugin author's tests: params checked against its schema with the
// defaults filled in (the same validator manifests go through), then built in a child container with a build context.
import { UserError } from '../errors.js';
import type { BuildContext } from '../plugins/build-context.js';
import type { PluginDefinition } from '../plugins/plugin-definition.js';
import type { PluginInstanceOf } from '../plugins/plugin-instances.js';
import type { PluginKind } from '../plugins/plugin-kind.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { pluginModule } from '../plugins/plugin-module.js';
import { paramsValidator } from '../manifest/params-validator.js';
import { schemaIssues } from '../manifest/schema-issues.js';

/**
 * ```ts
 * const loss = await buildPlugin(cosineHint, { teacherLayer: 'hidden1', studentLayer: 'hidden1' }, { models });
 * const value = loss.compute(inputs);
 * ```
 * Throws a UserError listing every param that does not satisfy the schema.
 */
export async function buildPlugin<K extends PluginKind, P>(
  plugin: PluginDefinition<K, P>,
  params: Partial<P> = {},
  context: Partial<BuildContext> = {},
): Promise<PluginInstanceOf<K>> {
  const filled = structuredClone(params) as Record<string, unknown>;
  const validate = paramsValidator(plugin);
  if (!validate(filled)) {
    const issues = schemaIssues(validate.errors ?? [], '/params').map((issue) => `${issue.pointer}: ${issue.message}`);
    throw new UserError(`invalid params for ${plugin.kind} "${plugin.name}": ${issues.join('; ')}`);
  }
  const host = PluginHost.create([pluginModule(plugin.source ?? 'buildPlugin', [plugin as PluginDefinition])]);
  const registry = host.registries[plugin.kind] as unknown as { build(name: string, params: unknown, context: BuildContext, parent: unknown): Promise<PluginInstanceOf<K>> };
  return registry.build(plugin.name, filled, { manifestDir: process.cwd(), seed: 0, pointer: `/${plugin.kind}`, ...context }, host.container);
}
