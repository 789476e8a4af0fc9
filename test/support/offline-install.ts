// Installs a project outside the repository from packed workspace tarballs without the network. `npm install` would
// ask the registry for every version range (npm's cache keeps only what `npm ci` fetched, not the full metadata a
// resolution needs), so the project gets a package-lock.json cut from the repository's own: the tarballs for the
// workspaces, and for everything else the exact versions `npm ci` installed here, whose tarballs are in npm's cache.
// `npm ci --offline` then checks the lock against the project's package.json (a range the lock does not satisfy is a
// failure, not a download) and installs only what the packages declare: an import a package does not declare is
// not there.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './cli.js';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export interface PackedWorkspace {
  /** The workspace folder in the repository: `core`. */
  readonly folder: string;
  readonly name: string;
  readonly tarball: string;
}

interface ProjectManifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** Packs every workspace into `destination` (npm runs no build: `npm test` has built them). */
export function packWorkspaces(destination: string): PackedWorkspace[] {
  mkdirSync(destination, { recursive: true });
  const result = spawnSync('npm', ['pack', '--workspaces', '--pack-destination', destination, '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stdout}${result.stderr}`);
  const packed = JSON.parse(result.stdout) as { name: string; filename: string }[];
  const lock = repositoryLock();
  return packed.map(({ name, filename }) => ({ name, tarball: join(destination, filename), folder: (lock[`node_modules/${name}`].resolved as string) }));
}

/** Writes `project/package-lock.json` for the project's package.json, whose workspace packages are `file:` tarballs. */
export function writeOfflineLock(project: string, packed: readonly PackedWorkspace[]): void {
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as ProjectManifest;
  const repo = repositoryLock();
  const byFolder = new Map(packed.map((workspace) => [workspace.folder, workspace]));
  const entries: Record<string, LockEntry> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
  };
  const pending: { name: string; from: string; optional: boolean }[] = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).map((name) => ({ name, from: '', optional: false }));
  while (pending.length > 0) {
    const { name, from, optional } = pending.pop()!;
    const found = resolveInRepository(repo, name, from);
    if (!found) {
      if (optional) continue;
      throw new Error(`${name} (needed from ${from || 'the project'}) is not in the repository's package-lock.json: npm ci did not install it, so it is not in npm's cache`);
    }
    const linked = repo[found].link ? byFolder.get(repo[found].resolved as string) : undefined;
    if (repo[found].link && !linked) throw new Error(`${name} is a workspace that was not packed`);
    const key = linked ? `node_modules/${linked.name}` : projectPath(found, byFolder);
    if (entries[key]) continue;
    const source = linked ? linked.folder : found;
    entries[key] = linked ? tarballEntry(repo[linked.folder], linked, project) : withoutTreeFlags(repo[found]);
    const entry = repo[source];
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.peerDependencies })) {
      if (entry.peerDependenciesMeta?.[dependency]?.optional) continue;
      pending.push({ name: dependency, from: source, optional: false });
    }
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) pending.push({ name: dependency, from: source, optional: true });
  }
  const lock = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages: sortedByKey(entries) };
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

/** `npm ci --offline` in `project`: fails rather than reaching the registry. */
export function installOffline(project: string): { status: number | null; output: string } {
  const result = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, encoding: 'utf8', env: npmEnvironment() });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// npm run from `npm test` passes its whole configuration down (the repository as its prefix among it); the project's
// npm gets only where the cache and the user's settings are, the ones `npm ci` used.
const KEPT_NPM_SETTINGS = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']);

/** The environment for npm and node in the project: none of the repository's test-runner or npm-run variables. */
export function npmEnvironment(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && (!key.toLowerCase().startsWith('npm_') || KEPT_NPM_SETTINGS.has(key.toLowerCase())));
  return { ...Object.fromEntries(kept), NO_COLOR: '1', CI: '1' };
}

function repositoryLock(): Record<string, LockEntry> {
  return (JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
}

/** Node's lookup over the lock's paths: `<from>/node_modules/<name>`, then each folder above, up to the root. */
function resolveInRepository(repo: Record<string, LockEntry>, name: string, from: string): string | undefined {
  for (let folder = from; ; folder = parentFolder(folder)) {
    const key = folder === '' ? `node_modules/${name}` : `${folder}/node_modules/${name}`;
    if (repo[key]) return key;
    if (folder === '') return undefined;
  }
}

function parentFolder(folder: string): string {
  const nested = folder.lastIndexOf('/node_modules/');
  return nested >= 0 ? folder.slice(0, nested) : '';
}

/** A package nested under a workspace folder (`core/node_modules/x`) sits under the installed workspace package. */
function projectPath(repoPath: string, byFolder: ReadonlyMap<string, PackedWorkspace>): string {
  const folder = repoPath.split('/node_modules/')[0];
  const workspace = byFolder.get(folder);
  return workspace && !repoPath.startsWith('node_modules/') ? `node_modules/${workspace.name}${repoPath.slice(folder.length)}` : repoPath;
}

function tarballEntry(workspace: LockEntry, packed: PackedWorkspace, project: string): LockEntry {
  const { name: _name, ...entry } = withoutTreeFlags(workspace);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(packed.tarball)).digest('base64')}`;
  return { ...entry, resolved: `file:${relative(project, packed.tarball).split('\\').join('/')}`, integrity };
}

// Whether a package is a dev or peer dependency is the repository's tree, not the project's.
function withoutTreeFlags(entry: LockEntry): LockEntry {
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
  return rest;
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
