import { describe, expect, it } from 'vitest';
import { redactCredentials, stripUserinfo } from './redact.js';

describe('credentials never leak', () => {
  it('strips userinfo from URIs', () => {
    expect(stripUserinfo('http://alice:s3cret@mlflow.example:5000/prefix')).toBe('http://mlflow.example:5000/prefix');
    expect(stripUserinfo('https://tok@host')).toBe('https://host');
    expect(stripUserinfo('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
  });

  it('masks userinfo inside text and every occurrence of a known secret', () => {
    const text = 'tracking.params.trackingUri=http://alice:s3cret@host:5000 token=abcdefXYZ and again abcdefXYZ';
    const clean = redactCredentials(text, ['abcdefXYZ']);
    expect(clean).not.toContain('s3cret');
    expect(clean).not.toContain('alice');
    expect(clean).not.toContain('abcdefXYZ');
    expect(clean).toBe('tracking.params.trackingUri=http://***@host:5000 token=*** and again ***');
  });

  it('leaves text without credentials unchanged', () => {
    expect(redactCredentials('loss=0.3 at http://host:5000/x', ['s3cret'])).toBe('loss=0.3 at http://host:5000/x');
  });
});
