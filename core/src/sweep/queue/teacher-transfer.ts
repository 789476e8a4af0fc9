// The shared teacher crosses machines content-addressed: the coordinator publishes the files of its teacher-cache
// entry in a Redis hash named after their sha256 (`distill:teacher:<digest>`, one base64 field per file), and a worker
// that lacks the entry fetches them, checks that they hash to that name, and stores them in its own teacher cache
// under the cache key the job names, so its trials find the teacher there exactly as trials on the coordinator's
// machine would. What comes from Redis is untrusted: file names are single plain names, the number and total size of
// the files are bounded (checked before they are downloaded), and nothing is written outside the cache's staging dir.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from 'bullmq';
import type { TrainingCache } from '../../run/cache/training-cache.js';
import { quote } from './parse-trial-job.js';
import { teacherKey, type TeacherReference } from './queue-protocol.js';

/** What a worker accepts by default: far above any teacher distill trains (an MLP with millions of weights is ~10 MB). */
export const DEFAULT_MAX_TEACHER_BYTES = 256 * 1024 * 1024;
const MAX_FILES = 64;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

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
  const fields: Record<string, string> = {};
  for (const [name, bytes] of files) fields[name] = bytes.toString('base64');
  await client.hset(teacherKey(digest), fields);
  return { key, digest };
}

/**
 * Seeds `cache` with the published teacher unless it already has it; returns how it was obtained. `ref` has been
 * validated (a hex cache key and a hex digest); an entry that is too large, has a file name that is not a plain name,
 * or whose files do not hash to its digest is refused with an Error saying which.
 */
export async function fetchTeacher(client: RedisClient, ref: TeacherReference, cache: TrainingCache, maxBytes = DEFAULT_MAX_TEACHER_BYTES): Promise<'cached' | 'fetched'> {
  if (cache.lookup('teachers', ref.key)) return 'cached';
  const hash = teacherKey(ref.digest);
  const names = await checkedNames(client, hash, ref, maxBytes);
  const { built } = await cache.obtain('teachers', ref.key, async (staging) => {
    const texts = await client.hmget(hash, ...names);
    const files = new Map<string, Buffer>();
    let total = 0;
    names.forEach((name, i) => {
      const text = texts[i] ?? '';
      if (!BASE64.test(text)) throw new Error(`the shared teacher ${ref.digest}: file ${quote(name)} is not base64`);
      files.set(name, Buffer.from(text, 'base64'));
      total += files.get(name)!.length;
    });
    if (total > maxBytes) throw new Error(tooLarge(ref, total, maxBytes));
    const digest = filesDigest(files);
    if (digest !== ref.digest) throw new Error(`the shared teacher fetched from Redis does not hash to its name (${digest} ≠ ${ref.digest})`);
    for (const [name, bytes] of files) writeFileSync(join(staging, name), bytes);
  });
  return built ? 'fetched' : 'cached';
}

/**
 * The entry's file names and encoded sizes, in one round trip that downloads no file: HSTRLEN of each field, or just
 * the field count when there are too many fields to list.
 */
const SIZES_SCRIPT = `
local count = redis.call('HLEN', KEYS[1])
if count > tonumber(ARGV[1]) then return {count} end
local out = {count}
for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
  out[#out + 1] = name
  out[#out + 1] = redis.call('HSTRLEN', KEYS[1], name)
end
return out`;
const SIZES_COMMAND = 'distillTeacherSizes';

/** The entry's file names, checked, and its size, checked against the limit before anything is downloaded. */
async function checkedNames(client: RedisClient, hash: string, ref: TeacherReference, maxBytes: number): Promise<string[]> {
  client.defineCommand(SIZES_COMMAND, { numberOfKeys: 1, lua: SIZES_SCRIPT, readOnly: true });
  const [count, ...pairs] = (await client.runCommand(SIZES_COMMAND, [hash, MAX_FILES])) as [number, ...(string | number)[]];
  if (count === 0) throw new Error(`the shared teacher ${ref.digest} is not in Redis (was the queue flushed?)`);
  if (count > MAX_FILES) throw new Error(`the shared teacher ${ref.digest} has ${count} files; a teacher has at most ${MAX_FILES}`);
  const names: string[] = [];
  let encoded = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    names.push(String(pairs[i]));
    encoded += Number(pairs[i + 1]);
  }
  const bad = names.filter((name) => !FILE_NAME.test(name));
  if (bad.length > 0) throw new Error(`the shared teacher ${ref.digest} has file names that are not plain names: ${bad.slice(0, 3).map(quote).join(', ')}`);
  const bytes = Math.floor((encoded * 3) / 4);
  if (bytes > maxBytes) throw new Error(tooLarge(ref, bytes, maxBytes));
  return names;
}

function tooLarge(ref: TeacherReference, bytes: number, maxBytes: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `the shared teacher ${ref.digest} is ${mb(bytes)}, more than this worker accepts (${mb(maxBytes)}; --max-teacher-mb)`;
}
