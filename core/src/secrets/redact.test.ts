import { describe, expect, it } from 'vitest';
import { redact, redactCredentials, redactDeep, registerSecrets, registerUriSecrets, stripUserinfo } from './redact.js';

describe('credentials never leak', () => {
  it('strips userinfo from URIs', () => {
    expect(stripUserinfo('http://alice:s3cret@mlflow.example:5000/prefix')).toBe('http://mlflow.example:5000/prefix');
    expect(stripUserinfo('https://tok@host')).toBe('https://host');
    expect(stripUserinfo('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
  });

  it('masks the password of a URI (the user name stays), a token written as userinfo, and every occurrence of a given secret', () => {
    const text = 'tracking.params.trackingUri=http://alice:s3cret@host:5000 redis://:p4ss@r:6379 https://tok3n@h token=abcdefXYZ and again abcdefXYZ';
    const clean = redactCredentials(text, ['abcdefXYZ']);
    expect(clean).toBe('tracking.params.trackingUri=http://alice:***@host:5000 redis://:***@r:6379 https://***@h token=*** and again ***');
    // Masking is stable: masked text comes out as it went in.
    expect(redactCredentials(clean, ['abcdefXYZ'])).toBe(clean);
  });

  it('masks registered secrets everywhere, percent-encoded too, and in every string of a value', () => {
    registerSecrets('pa ss/word-1');
    registerUriSecrets('http://bob:uri-secret-2@host');
    expect(redact('a pa ss/word-1 b pa%20ss%2Fword-1 c uri-secret-2')).toBe('a *** b *** c ***');
    expect(redactDeep({ error: 'token pa ss/word-1', list: ['uri-secret-2', 3], n: 4 })).toEqual({ error: 'token ***', list: ['***', 3], n: 4 });
  });

  it('leaves text without credentials unchanged', () => {
    expect(redactCredentials('loss=0.3 at http://host:5000/x', ['s3cret'])).toBe('loss=0.3 at http://host:5000/x');
  });
});
