// A checkpoint on disk: `<run>/checkpoints/<name>/` holding `checkpoint.json` (where the run is, as plain values) and
// `tensors.json` + `tensors.bin` (every tensor it needs, by name). It is written whole into a hidden temporary
// directory and renamed into place, and `checkpoint.json` records each file's SHA-256: a checkpoint is either
// complete and verified, or skipped with the reason (a crash mid-write, a truncated or edited file).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadVariables, saveVariables, type NamedVariable } from '../../io/model-files.js';
import { redactDeep } from '../../secrets/redact.js';

export const CHECKPOINTS_DIR = 'checkpoints';
export const CHECKPOINT_FILE = 'checkpoint.json';
const TENSORS = 'tensors';
const FORMAT = 'distill-checkpoint';
const VERSION = 1;

/** A checkpoint directory's name: its ordinal, so names sort in the order they were written. */
export function checkpointName(ordinal: number): string {
  return `ckpt-${String(ordinal).padStart(6, '0')}`;
}

/** Writes `meta` and `tensors` as the checkpoint `name` of `runDir`, atomically; returns its directory. */
export async function writeCheckpoint(runDir: string, name: string, meta: object, tensors: readonly NamedVariable[]): Promise<string> {
  const root = join(runDir, CHECKPOINTS_DIR);
  const temp = join(root, `.tmp-${name}-${process.pid}`);
  const final = join(root, name);
  rmSync(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const written = await saveVariables(tensors, temp, TENSORS);
  const files = Object.fromEntries(written.map((file) => [file.slice(temp.length + 1), sha256(readFileSync(file))]));
  // A file of the run directory like any other: the manifest's params in it are recorded redacted.
  await writeFile(join(temp, CHECKPOINT_FILE), `${JSON.stringify(redactDeep({ format: FORMAT, version: VERSION, name, ...meta, files }), numbersAsJson)}\n`);
  rmSync(final, { recursive: true, force: true });
  renameSync(temp, final);
  return final;
}

export interface VerifiedCheckpoint<Meta> {
  readonly name: string;
  readonly dir: string;
  readonly meta: Meta;
}

export interface LoadedCheckpoint<Meta> extends VerifiedCheckpoint<Meta> {
  /** Owned by the caller. */
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
}

/** The checkpoints of `runDir`, oldest first (temporary directories of unfinished writes are not checkpoints). */
export function listCheckpoints(runDir: string): string[] {
  const root = join(runDir, CHECKPOINTS_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^ckpt-\d+$/.test(name) && statSync(join(root, name)).isDirectory())
    .sort();
}

/** Reads and verifies one checkpoint (its files against their checksums); throws an Error saying what is wrong. */
export function verifyCheckpoint<Meta>(runDir: string, name: string): VerifiedCheckpoint<Meta> {
  const dir = join(runDir, CHECKPOINTS_DIR, name);
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new Error(`${CHECKPOINT_FILE} is missing`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8'), jsonAsNumbers) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${CHECKPOINT_FILE} is not valid JSON (${(error as Error).message})`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION) throw new Error(`${CHECKPOINT_FILE} is not a version ${VERSION} distill checkpoint`);
  const files = meta.files;
  if (!files || typeof files !== 'object') throw new Error(`${CHECKPOINT_FILE} lists no files`);
  for (const [relative, digest] of Object.entries(files as Record<string, unknown>)) {
    const path = join(dir, relative);
    if (relative.includes('..') || !existsSync(path)) throw new Error(`${relative} is missing`);
    if (sha256(readFileSync(path)) !== digest) throw new Error(`${relative} does not match its checksum (truncated or changed)`);
  }
  return { name, dir, meta: meta as Meta };
}

/** The tensors of a verified checkpoint (on the backend in use: load them once it is chosen). */
export async function loadCheckpoint<Meta>(checkpoint: VerifiedCheckpoint<Meta>): Promise<LoadedCheckpoint<Meta>> {
  const tensors = await loadVariables(checkpoint.dir, TENSORS);
  return { ...checkpoint, tensors: new Map(tensors.map((t) => [t.name, t.tensor])) };
}

/** Removes what a process killed while writing a checkpoint left behind (its temporary directory). */
export function removeUnfinishedWrites(runDir: string): void {
  const root = join(runDir, CHECKPOINTS_DIR);
  if (!existsSync(root)) return;
  for (const name of readdirSync(root).filter((n) => n.startsWith('.tmp-'))) rmSync(join(root, name), { recursive: true, force: true });
}

/** Deletes every checkpoint but the last `keep` ones and those in `alsoKeep`. */
export function pruneCheckpoints(runDir: string, keep: number, alsoKeep: ReadonlySet<string>): void {
  const names = listCheckpoints(runDir);
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    if (!alsoKeep.has(name)) rmSync(join(runDir, CHECKPOINTS_DIR, name), { recursive: true, force: true });
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// JSON has no NaN or Infinity: they are kept as strings and read back as numbers.
function numbersAsJson(_: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { nonFinite: String(value) } : value;
}

function jsonAsNumbers(_: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { nonFinite?: unknown }).nonFinite === 'string') {
    return Number((value as { nonFinite: string }).nonFinite);
  }
  return value;
}
