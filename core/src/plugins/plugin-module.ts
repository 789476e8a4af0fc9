// How a package contributes plugins: one inversify container module binding each definition to its kind's token.
import { ContainerModule } from 'inversify';
import type { PluginDefinition } from './plugin-definition.js';
import { PLUGIN_TOKENS } from './plugin-tokens.js';

/**
 * `export default pluginModule('@acme/distill-plugins', [cosineHint, jsonlDataset])`.
 * Built-in plugins are contributed exactly this way.
 */
export function pluginModule(source: string, plugins: readonly PluginDefinition[], version?: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const plugin of plugins) {
      const contributed = { ...plugin, source: plugin.source ?? source, version: plugin.version ?? version };
      bind(PLUGIN_TOKENS[plugin.kind]).toConstantValue(contributed);
    }
  });
}
