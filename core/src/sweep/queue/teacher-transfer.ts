// The shared teacher crosses machines content-addressed: the coordinator publishes the files of its teacher-cache
// entry in a Redis hash under the entry's key (base64, with a sha256 of the files), and a worker that lacks the entry
// fetches them, checks the digest, and stores them in its own teacher cache under the same key, so its trials find
// the teacher there exactly as trials on the coordinator's machine would.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from 'bullmq';
import type { TrainingCache } from '../../run/cache/training-cache.js';
import { teacherKey, type TeacherReference } from './queue-protocol.js';

const DIGEST_FIELD = ':digest';

/** sha256 over the files' names and bytes, in name order. */
export function filesDigest(files: ReadonlyMap<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) hash.update(`${name}\0${files.get(name)!.length}\0`).update(files.get(name)!);
  return hash.digest('hex');
}

export async function publishTeacher(client: RedisClient, key: string, dir: string): Promise<TeacherReference> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) if (!name.startsWith('.')) files.set(name, readFileSync(join(dir, name)));
  const digest = filesDigest(files);
  const fields: Record<string, string> = { [DIGEST_FIELD]: digest };
  for (const [name, bytes] of files) fields[name] = bytes.toString('base64');
  await client.hset(teacherKey(key), fields);
  return { key, digest };
}

/** Seeds `cache` with the published teacher unless it already has it; returns how it was obtained. */
export async function fetchTeacher(client: RedisClient, ref: TeacherReference, cache: TrainingCache): Promise<'cached' | 'fetched'> {
  if (cache.lookup('teachers', ref.key)) return 'cached';
  const { built } = await cache.obtain('teachers', ref.key, async (staging) => {
    const fields = await client.hgetall(teacherKey(ref.key));
    if (!fields[DIGEST_FIELD]) throw new Error(`the shared teacher ${ref.key} is not in Redis (was the queue flushed?)`);
    const files = new Map(Object.entries(fields).filter(([name]) => name !== DIGEST_FIELD).map(([name, text]) => [name, Buffer.from(text, 'base64')] as const));
    const digest = filesDigest(files);
    if (digest !== ref.digest) throw new Error(`the shared teacher ${ref.key} fetched from Redis does not match its digest (${digest} ≠ ${ref.digest})`);
    for (const [name, bytes] of files) writeFileSync(join(staging, name), bytes);
  });
  return built ? 'fetched' : 'cached';
}
