// Options shared by every command that reads a manifest or loads plugins: `--set` overrides and `--plugin` modules.
import type { Command } from 'commander';
import type { PluginHost } from '../plugins/plugin-host.js';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { readManifest } from '../manifest/read-manifest.js';
import { pluginHostForManifest } from '../manifest/open-manifest.js';
import { collect } from './option-parsers.js';

/** What commander hands the action (arrays absent when the flag was not given). */
export interface ManifestOptions {
  readonly set?: string[];
  readonly plugin?: string[];
}

export function addOverrideOption(command: Command): Command {
  return command.option('--set <path=value>', 'override a manifest value before validation, e.g. --set training.epochs=3 (repeatable)', collect);
}

export function addPluginOption(command: Command): Command {
  return command.option('--plugin <module>', 'also load plugins from a module file or package, relative to the working directory (repeatable)', collect);
}

export function addManifestOptions(command: Command): Command {
  return addPluginOption(addOverrideOption(command));
}

/** The host for commands that take an optional `--manifest`: its custom plugins are loaded too. */
export async function pluginHostFor(options: ManifestOptions & { readonly manifest?: string }): Promise<PluginHost> {
  const cliPlugins = options.plugin ?? [];
  if (!options.manifest) return createPluginHost({ cliPlugins });
  return pluginHostForManifest(await readManifest(options.manifest), { overrides: options.set ?? [], cliPlugins });
}
