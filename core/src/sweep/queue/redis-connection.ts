// `--queue redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as the connection options BullMQ hands
// to ioredis. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking commands must wait, not fail), and the
// client reconnects on its own when Redis restarts. An ACL user and password (or requirepass's password alone) come
// from the URL's userinfo; `rediss://` turns on TLS, verified against Node's CAs (NODE_EXTRA_CA_CERTS adds one).
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../../errors.js';

export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--queue ${url}: not a URL`, { hint: 'redis://[user:password@]host:6379[/db], or rediss://… for TLS' });
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
 * Fails in one line when nothing answers at the URL, the answer is not Redis over the URL's transport (TLS or not), or
 * Redis refuses the URL's credentials. Checked with one connection and a PING before BullMQ connects: its client would
 * retry for ever (what a sweep wants once running, when Redis restarts, but not for a mistyped host or password).
 */
export async function reachRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const client = new Redis({ ...(redisConnection(url) as RedisOptions), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The reason (WRONGPASS, a TLS error) arrives as an 'error' event; the promise only says the connection closed.
  let reason: Error | undefined;
  client.on('error', (error: Error) => (reason ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw unreachable(url, (reason ?? (error as Error)).message);
  } finally {
    client.disconnect();
  }
}

function unreachable(url: string, why: string): UserError {
  const where = redactedUrl(url);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(why)) {
    return new UserError(`Redis at ${where} refused the credentials: ${why}`, {
      hint: 'put them in the URL: redis://USER:PASSWORD@host:6379 for an ACL user, redis://:PASSWORD@host:6379 for requirepass',
    });
  }
  if (/NOPERM/.test(why)) return new UserError(`Redis at ${where}: the ACL user may not do what a sweep needs: ${why}`, { hint: 'give the user ~* &* +@all, or at least BullMQ\'s commands on the keys it uses' });
  const tls = url.startsWith('rediss:') ? ' (TLS: is the server\'s certificate trusted here? NODE_EXTRA_CA_CERTS=ca.pem adds a CA)' : '';
  return new UserError(`cannot reach Redis at ${where}: ${why}`, { hint: `is redis-server running there, and is the URL (host, port, redis:// or rediss://) right?${tls}` });
}
