// What the CLI and embedders call: read a manifest, load the plugins it and the command line name, validate it.
import type { PluginHost } from '../plugins/plugin-host.js';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { readManifest } from './read-manifest.js';
import type { ParsedManifest } from './parse-manifest-text.js';
import { tryApplyOverrides } from './overrides.js';
import { validateManifest, type LoadedManifest } from './validate-manifest.js';

export interface OpenManifestOptions {
  /** `--set` flags. */
  readonly overrides?: readonly string[];
  /** `--plugin` specifiers, relative to the working directory. */
  readonly cliPlugins?: readonly string[];
  /** Replaces the default plugin packages (embedders, tests). */
  readonly defaultPlugins?: readonly string[];
}

export interface OpenedManifest {
  readonly host: PluginHost;
  readonly manifest: LoadedManifest;
}

/** Reads the manifest (a file, or one already parsed), loads the plugins it and `--plugin` name, and validates it. */
export async function openManifest(source: string | ParsedManifest, options: OpenManifestOptions = {}): Promise<OpenedManifest> {
  const parsed = typeof source === 'string' ? await readManifest(source) : source;
  const host = await pluginHostForManifest(parsed, options);
  return { host, manifest: validateManifest(parsed, { overrides: options.overrides ?? [], host }) };
}

/** The host for a manifest, built before full validation: its `plugins` decide which types exist. */
export function pluginHostForManifest(parsed: ParsedManifest, options: OpenManifestOptions = {}): Promise<PluginHost> {
  return createPluginHost({
    manifestPlugins: declaredPlugins(parsed, options.overrides),
    manifestFile: parsed.file,
    ...(options.cliPlugins ? { cliPlugins: options.cliPlugins } : {}),
    ...(options.defaultPlugins ? { defaultPlugins: options.defaultPlugins } : {}),
  });
}

/** The manifest's `plugins` as written (after overrides); entries that are not strings are left to validation. */
export function declaredPlugins(parsed: ParsedManifest, overrides: readonly string[] = []): string[] {
  const { plugins } = tryApplyOverrides(parsed.raw, overrides).value;
  return Array.isArray(plugins) ? plugins.filter((entry): entry is string => typeof entry === 'string' && entry !== '') : [];
}
