// Builds the plugin host for a command: the default packages, then the manifest's plugins, then `--plugin` modules.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerModule } from 'inversify';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';
import { DEFAULT_PLUGIN_PACKAGES } from './default-plugins.js';
import { loadPluginModule, type PluginSource } from './plugin-loader.js';
import { PluginHost } from './plugin-host.js';
import { IncompatiblePluginError, MalformedPluginError, PluginConflictError } from './plugin-errors.js';

export interface PluginHostOptions {
  /** The manifest's `plugins`: paths relative to `baseDir`, or package names resolved from it. */
  readonly manifestPlugins?: readonly string[];
  /** The manifest's directory (default: the directory of `manifestFile`, else the working directory). */
  readonly baseDir?: string;
  /** The manifest, named in messages about its plugins. */
  readonly manifestFile?: string;
  /** `--plugin` specifiers, relative to the working directory. */
  readonly cliPlugins?: readonly string[];
  /** Packages loaded before everything else (default: the built-in plugins). */
  readonly defaultPlugins?: readonly string[];
}

// Default packages resolve from core itself, wherever the manifest is.
const coreDir = dirname(fileURLToPath(import.meta.url));

export async function createPluginHost(options: PluginHostOptions = {}): Promise<PluginHost> {
  const cwd = process.cwd();
  const manifestDir = options.baseDir ?? (options.manifestFile ? dirname(options.manifestFile) : cwd);
  const manifestOrigin = options.manifestFile ? `listed in ${displayPath(options.manifestFile)}` : 'listed in the manifest';
  const requests: [string, PluginSource][] = [
    ...(options.defaultPlugins ?? DEFAULT_PLUGIN_PACKAGES).map((name): [string, PluginSource] => [name, { baseDir: coreDir, origin: 'a default plugin package' }]),
    ...(options.manifestPlugins ?? []).map((specifier): [string, PluginSource] => [specifier, { baseDir: manifestDir, origin: manifestOrigin }]),
    ...(options.cliPlugins ?? []).map((specifier): [string, PluginSource] => [specifier, { baseDir: cwd, origin: '--plugin' }]),
  ];
  const modules = new Map<string, ContainerModule>();
  for (const [specifier, source] of requests) {
    const loaded = await loadPluginModule(specifier, source);
    if (!modules.has(loaded.path)) modules.set(loaded.path, loaded.module);
  }
  try {
    return PluginHost.create([...modules.values()]);
  } catch (error) {
    // Two plugins with one name, a half-made one, or one made for another core, is the user's to fix, not a crash.
    if (error instanceof PluginConflictError || error instanceof MalformedPluginError || error instanceof IncompatiblePluginError) throw new UserError(error.message, { cause: error });
    throw error;
  }
}
