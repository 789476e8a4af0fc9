// `--queue redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as the connection options BullMQ hands
// to ioredis. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking commands must wait, not fail), and the
// client reconnects on its own when Redis restarts.
import { createConnection } from 'node:net';
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

/**
 * Fails in one line when nothing answers at the URL's host and port. Checked before BullMQ connects: its client would
 * retry for ever (what a sweep wants once running, when Redis restarts, but not for a mistyped host).
 */
export async function reachRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const { host, port } = redisConnection(url) as { host: string; port: number };
  const failure = (why: string) =>
    new UserError(`cannot reach Redis at ${redactedUrl(url)}: ${why}`, { hint: 'is redis-server running there, and is the URL (host, port) right?' });
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('timeout', () => (socket.destroy(), reject(failure(`no answer in ${timeoutMs / 1000} s`))));
    socket.once('error', (error) => reject(failure(error.message)));
  });
}
