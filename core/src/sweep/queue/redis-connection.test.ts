import { describe, expect, it } from 'vitest';
import { redactedUrl, redisConnection } from './redis-connection.js';

describe('redisConnection', () => {
  it('reads host, port, password and database from a redis:// URL', () => {
    expect(redisConnection('redis://:s%40cret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, password: 's@cret', db: 2, maxRetriesPerRequest: null });
  });

  it('defaults the port to 6379 and turns on TLS for rediss://', () => {
    expect(redisConnection('rediss://user:pw@redis.example.com')).toEqual({
      host: 'redis.example.com',
      port: 6379,
      username: 'user',
      password: 'pw',
      tls: { servername: 'redis.example.com' },
      maxRetriesPerRequest: null,
    });
  });

  it('refuses other schemes and non-numeric databases in one line', () => {
    expect(() => redisConnection('http://127.0.0.1:6379')).toThrow('--queue http://127.0.0.1:6379: the scheme must be redis:// or rediss://, not http://');
    expect(() => redisConnection('redis://127.0.0.1:6379/jobs')).toThrow('the database must be a number');
  });

  it('hides the password in messages', () => {
    expect(redactedUrl('redis://:hunter2@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactedUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
