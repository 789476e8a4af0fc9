// The plugins a command can list without running their code. `distill plugins` and `distill schema` need names,
// descriptions and params schemas only; a plugin package may declare a catalog file holding exactly that
// ("distill": { "plugins": "./dist/index.js", "catalog": "./dist/plugin-catalog.json" }), and listing its plugins then
// reads the file instead of importing the package (and TensorFlow.js with it). The built-in package writes its
// catalog when it is built.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginMetadata } from './plugin-definition.js';
import { PLUGIN_KINDS, isPluginKind, type PluginKind } from './plugin-kind.js';
import { PluginConflictError, UnknownPluginError } from './plugin-errors.js';
import { resolvePluginPackage } from './plugin-package.js';
import { DEFAULT_PLUGIN_PACKAGES } from './default-plugins.js';

/** What listing a kind's plugins needs; a registry is one, and so is a catalog. */
export interface PluginListing<K extends PluginKind = PluginKind> {
  list(): readonly PluginMetadata<K>[];
  names(): string[];
  has(name: string): boolean;
  get(name: string): PluginMetadata<K>;
}

export type PluginListings = { readonly [K in PluginKind]: PluginListing<K> };

class CatalogListing<K extends PluginKind> implements PluginListing<K> {
  private readonly byName = new Map<string, PluginMetadata<K>>();

  constructor(private readonly kind: K) {}

  add(entry: PluginMetadata<K>): void {
    const existing = this.byName.get(entry.name);
    if (existing) throw new PluginConflictError(this.kind, entry.name, existing.source ?? 'an unnamed source', entry.source ?? 'an unnamed source');
    this.byName.set(entry.name, entry);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  list(): PluginMetadata<K>[] {
    return this.names().map((name) => this.byName.get(name)!);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): PluginMetadata<K> {
    const entry = this.byName.get(name);
    if (!entry) throw new UnknownPluginError(this.kind, name, this.names());
    return entry;
  }
}

const coreDir = dirname(fileURLToPath(import.meta.url));

/**
 * The default packages' plugins read from their catalogs, plus `extra` entries (plugins described but not loaded), or
 * undefined when one of the packages declares no catalog (or its catalog cannot be read): the caller then imports the
 * packages.
 */
export function readDefaultCatalogs(packages: readonly string[] = DEFAULT_PLUGIN_PACKAGES, extra: readonly PluginMetadata[] = []): PluginListings | undefined {
  const listings = Object.fromEntries(PLUGIN_KINDS.map((kind) => [kind, new CatalogListing(kind)])) as { [K in PluginKind]: CatalogListing<K> };
  const entries: PluginMetadata[] = [];
  for (const name of packages) {
    const catalog = readCatalog(name);
    if (!catalog) return undefined;
    entries.push(...catalog);
  }
  for (const entry of [...entries, ...extra]) (listings[entry.kind] as CatalogListing<PluginKind>).add(entry);
  return listings;
}

function readCatalog(packageName: string): PluginMetadata[] | undefined {
  try {
    const found = resolvePluginPackage(packageName, { baseDir: coreDir, origin: 'a default plugin package' });
    const manifest = JSON.parse(readFileSync(join(found.dir, 'package.json'), 'utf8')) as { distill?: { catalog?: unknown } };
    const declared = manifest.distill?.catalog;
    if (typeof declared !== 'string') return undefined;
    const entries = JSON.parse(readFileSync(resolve(found.dir, declared), 'utf8')) as unknown;
    return Array.isArray(entries) && entries.every(isCatalogEntry) ? entries : undefined;
  } catch {
    return undefined;
  }
}

function isCatalogEntry(value: unknown): value is PluginMetadata {
  const entry = value as Partial<PluginMetadata> | null;
  return typeof entry?.name === 'string' && typeof entry.description === 'string' && typeof entry.kind === 'string' && isPluginKind(entry.kind)
    && typeof entry.paramsSchema === 'object' && entry.paramsSchema !== null;
}

/** The catalog entries of `plugins`: what a package's catalog file holds. */
export function catalogEntries(plugins: readonly PluginMetadata[]): PluginMetadata[] {
  return plugins.map(({ kind, name, description, paramsSchema, source, version }) => ({ kind, name, description, paramsSchema, ...(source ? { source } : {}), ...(version ? { version } : {}) }));
}
