// A content-addressed cache of what runs train or compute on the way to a student — trained teachers, trained
// baselines, a frozen teacher's outputs on a dataset — shared by every run and sweep on the machine: the key hashes
// everything that affects the result (model and its training, dataset and its fingerprint, seed, backend, plugin and
// distill versions), so a change anywhere makes a new entry. Entries are built in a temporary directory and renamed
// into place; a lock directory makes concurrent runs that need the same entry wait for the first one instead of
// building it again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_CACHE_DIR = '.distill-cache';

export class TrainingCache {
  constructor(readonly root: string) {}

  /** `$DISTILL_CACHE_DIR`, else `.distill-cache` in the working directory. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TrainingCache {
    return new TrainingCache(env.DISTILL_CACHE_DIR ?? join(cwd, DEFAULT_CACHE_DIR));
  }

  /** The entry's directory when it is complete, else undefined. */
  lookup(kind: string, key: string): string | undefined {
    const dir = this.entryDir(kind, key);
    return existsSync(join(dir, COMPLETE)) ? dir : undefined;
  }

  /**
   * Returns the entry for `key`, building it with `build(dir)` if nobody has. Across processes only one builder runs;
   * the others wait for it. A builder that fails leaves no entry (and releases the lock).
   */
  async obtain(kind: string, key: string, build: (dir: string) => Promise<void>): Promise<{ dir: string; built: boolean }> {
    const dir = this.entryDir(kind, key);
    mkdirSync(join(this.root, kind), { recursive: true });
    for (;;) {
      if (existsSync(join(dir, COMPLETE))) return { dir, built: false };
      if (this.tryLock(dir)) break;
      await sleep(250);
    }
    const staging = `${dir}.tmp-${process.pid}`;
    try {
      if (existsSync(join(dir, COMPLETE))) return { dir, built: false };
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await build(staging);
      writeFileSync(join(staging, COMPLETE), new Date().toISOString());
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
      return { dir, built: true };
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(`${dir}${LOCK}`, { recursive: true, force: true });
    }
  }

  /** Kinds and keys are single plain names (a key may come from another machine): an entry stays inside the cache. */
  private entryDir(kind: string, key: string): string {
    for (const [what, name] of [['kind', kind], ['key', key]]) {
      if (!ENTRY_NAME.test(name)) throw new Error(`teacher cache: the ${what} ${JSON.stringify(name).slice(0, 80)} is not a plain name (${ENTRY_NAME.source})`);
    }
    return join(this.root, kind, key);
  }

  /** mkdir is atomic; a lock whose owner process is gone is taken over. */
  private tryLock(dir: string): boolean {
    const lock = `${dir}${LOCK}`;
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch {
      const owner = Number(readSafely(join(lock, 'pid')));
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      return false;
    }
  }
}

const COMPLETE = '.complete';
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const LOCK = '.lock';

/** A stable hash of a JSON value: object keys sorted, so key order never changes the address. */
export function contentKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function readSafely(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
