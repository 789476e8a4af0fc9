// `--queue redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as the connection options BullMQ hands
// to ioredis. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking commands must wait, not fail), and the
// client reconnects on its own when Redis restarts.
import type { ConnectionOptions } from 'bullmq';
import { UserError } from '../../errors.js';

export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--queue ${url}: not a URL`, { hint: 'redis://[:password@]host:6379[/db] or rediss://…' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(`--queue ${url}: the scheme must be redis:// or rediss://, not ${parsed.protocol}//`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UserError(`--queue ${url}: the database must be a number (redis://host:6379/0), not "${db}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}

/** Waits for a BullMQ connection, or fails in one line when Redis does not answer (the client would retry forever). */
export async function reachRedis(ready: Promise<unknown>, url: string, timeoutMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError(`cannot reach Redis at ${redactedUrl(url)} (no answer in ${timeoutMs / 1000} s)`, { hint: 'is redis-server running, and is the URL (host, port, password) right?' })), timeoutMs);
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
