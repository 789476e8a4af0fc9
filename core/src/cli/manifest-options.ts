// Options shared by every command that reads a manifest or loads plugins: `--set` overrides and `--plugin` modules.
import type { Command } from 'commander';
import type { PluginHost } from '../plugins/plugin-host.js';
import { readDefaultCatalogs, type PluginListings } from '../plugins/plugin-catalog.js';
import { collect, positiveInteger } from './option-parsers.js';

/** What commander hands the action (arrays absent when the flag was not given). */
export interface ManifestOptions {
  readonly set?: string[];
  readonly plugin?: string[];
  readonly threads?: number;
}

export function addOverrideOption(command: Command): Command {
  return command.option('--set <path=value>', 'override a manifest value before validation, e.g. --set training.epochs=3 (repeatable)', collect);
}

/** `--threads n` for the commands that start a backend for a manifest (run, validate, sweep): `threads=n` last. */
export function addThreadsOption(command: Command): Command {
  return command.option('--threads <n>', 'CPU threads for the backend (the manifest\'s "threads"; default: all cores)', positiveInteger);
}

/** The `--set` overrides, with `--threads n` as `threads=n` after them (so it wins). */
export function overridesOf(options: ManifestOptions): string[] {
  return [...(options.set ?? []), ...(options.threads !== undefined ? [`threads=${options.threads}`] : [])];
}

export function addPluginOption(command: Command): Command {
  return command.option('--plugin <module>', 'also load plugins from a module file or package, relative to the working directory (repeatable)', collect);
}

export function addManifestOptions(command: Command): Command {
  return addPluginOption(addOverrideOption(command));
}

/**
 * The plugins commands that only list them see: read from the default packages' catalogs when no custom plugin is
 * asked for (nothing imported), else the registries of a host with the custom plugins loaded too.
 */
export async function pluginListingsFor(options: ManifestOptions & { readonly manifest?: string }): Promise<PluginListings> {
  const catalogs = !options.manifest && !(options.plugin ?? []).length ? readDefaultCatalogs() : undefined;
  return catalogs ?? (await pluginHostFor(options)).registries;
}

/** The host for commands that take an optional `--manifest`: its custom plugins are loaded too. */
export async function pluginHostFor(options: ManifestOptions & { readonly manifest?: string }): Promise<PluginHost> {
  // Imported here: listing from catalogs needs neither the loader nor inversify.
  const [{ createPluginHost }, { readManifest }, { pluginHostForManifest }] = await Promise.all([
    import('../plugins/create-plugin-host.js'),
    import('../manifest/read-manifest.js'),
    import('../manifest/open-manifest.js'),
  ]);
  const cliPlugins = options.plugin ?? [];
  if (!options.manifest) return createPluginHost({ cliPlugins });
  return pluginHostForManifest(await readManifest(options.manifest), { overrides: overridesOf(options), cliPlugins });
}
