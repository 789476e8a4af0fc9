// @distill/plugins: the built-in plugins, contributed through one container module exactly as a third-party package would.
import { pluginModule, type PluginDefinition } from '@distill/core';
import { createRequire } from 'node:module';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const builtinPlugins: PluginDefinition[] = [];

export default pluginModule(`${name}@${version}`, builtinPlugins, version);
