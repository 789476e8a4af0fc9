// When to try a request again and how long to wait first: MLflow's Python client retries through urllib3's `Retry`
// (mlflow/utils/request_utils.py), so the waits follow urllib3 2.x `get_backoff_time` and its `Retry-After` handling.

/** urllib3's DEFAULT_BACKOFF_MAX. */
export const BACKOFF_MAX_SECONDS = 120;

/**
 * Seconds to wait before the next attempt after `consecutiveErrors` failed attempts in a row: no wait after the
 * first failure, then `factor * 2^(errors-1)` plus up to `jitter` random seconds, capped at 120 s.
 * With MLflow's defaults (factor 2, jitter 1): 0, 4+, 8+, 16+, 32+, 64+, 120 s.
 */
export function backoffSeconds(consecutiveErrors: number, factor: number, jitter: number, random: () => number = Math.random): number {
  if (consecutiveErrors <= 1) return 0;
  let value = factor * 2 ** (consecutiveErrors - 1);
  if (jitter !== 0) value += random() * jitter;
  return Math.max(0, Math.min(BACKOFF_MAX_SECONDS, value));
}

/** The statuses for which urllib3 honours `Retry-After`. */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([413, 429, 503]);

/**
 * Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or undefined when absent or unreadable.
 * A date in the past means 0.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}
