import { describe, expect, it } from 'vitest';
import { backoffSeconds, parseRetryAfter } from './retry-policy.js';

describe('backoffSeconds (urllib3 get_backoff_time, as MLflow retries)', () => {
  it('with MLflow defaults (factor 2, no jitter) waits 0, 4, 8, 16, 32, 64, then 120 s capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffSeconds(n, 2, 0))).toEqual([0, 4, 8, 16, 32, 64, 120, 120]);
  });

  it('adds up to `jitter` random seconds', () => {
    expect(backoffSeconds(3, 2, 1, () => 0.5)).toBe(8.5);
    expect(backoffSeconds(1, 2, 1, () => 0.5)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
