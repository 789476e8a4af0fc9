import { describe, expect, it } from 'vitest';
import { redact, redactCredentials, redactDeep, redactUrl, registerSecrets, registerUriSecrets, secretQueryValues, stripUserinfo } from './redact.js';

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

  it('masks the values of query parameters named like credentials, whatever their case, and nothing else', () => {
    const url = 'https://h.example/v1/predict?model=m1&api_key=AK-1&Token=T%2F2&X-Amz-Signature=S3&access_token=A4&apikey=K5&sig=G6&key=K7&secret=S8&password=P9&monkey=keep&design=keep#frag';
    const masked = 'https://h.example/v1/predict?model=m1&api_key=***&Token=***&X-Amz-Signature=***&access_token=***&apikey=***&sig=***&key=***&secret=***&password=***&monkey=keep&design=keep#frag';
    expect(redactUrl(url)).toBe(masked);
    expect(redactUrl('http://u:pw@h/x?token=abc')).toBe('http://u:***@h/x?token=***');
    expect(redact(`failed: ${url} (retrying)`)).toBe(`failed: ${masked} (retrying)`);
    expect(redact('teacher (http-teacher http://h/p?api_key=AK-1): HTTP 401, at [http://h/?sig=S2], {http://h/?token=T3}')).toBe('teacher (http-teacher http://h/p?api_key=***): HTTP 401, at [http://h/?sig=***], {http://h/?token=***}');
    expect(JSON.parse(redact(JSON.stringify({ url })))).toEqual({ url: masked });
    expect(redactUrl(masked)).toBe(masked);
    expect(secretQueryValues(url)).toEqual(['AK-1', 'T%2F2', 'T/2', 'S3', 'A4', 'K5', 'G6', 'K7', 'S8', 'P9']);
    expect(redactUrl('http://h/x?a=1&b=token')).toBe('http://h/x?a=1&b=token');
    expect(secretQueryValues('http://h/x?token=a+b(c)')).toEqual(['a+b', 'a b(c)']);
  });

  it('leaves text without credentials unchanged', () => {
    expect(redactCredentials('loss=0.3 at http://host:5000/x', ['s3cret'])).toBe('loss=0.3 at http://host:5000/x');
  });
});
