import { describe, expect, it } from 'vitest';
import { resolveMlflowConfig } from './mlflow-config.js';

const noHome = { HOME: '/nonexistent-home' };

describe('resolveMlflowConfig', () => {
  it('uses MLflow\'s defaults: 7 retries, factor 2, jitter 1, 120 s timeout, Retry-After honoured', () => {
    const config = resolveMlflowConfig({}, { ...noHome, MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000/' });
    expect(config).toMatchObject({ trackingUri: 'http://127.0.0.1:5000', maxRetries: 7, backoffFactor: 2, backoffJitter: 1, timeoutMs: 120_000, respectRetryAfter: true, insecureTls: false });
    expect(config.auth).toBeUndefined();
  });

  it('reads the MLFLOW_HTTP_* variables and rejects values MLflow rejects', () => {
    const env = { ...noHome, MLFLOW_TRACKING_URI: 'http://h', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5', MLFLOW_HTTP_REQUEST_TIMEOUT: '3' };
    expect(resolveMlflowConfig({}, env)).toMatchObject({ maxRetries: 2, backoffFactor: 0.5, timeoutMs: 3000 });
    expect(() => resolveMlflowConfig({}, { ...env, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '10' })).toThrow(/MLFLOW_HTTP_REQUEST_MAX_RETRIES=10/);
    expect(() => resolveMlflowConfig({}, { ...env, MLFLOW_TRACKING_INSECURE_TLS: 'yes' })).toThrow(/MLFLOW_TRACKING_INSECURE_TLS/);
  });

  it('moves userinfo out of the URI into Basic auth', () => {
    const config = resolveMlflowConfig({ trackingUri: 'http://alice:s%40cret@h:5000' }, noHome);
    expect(config.trackingUri).toBe('http://h:5000');
    expect(config.auth).toEqual({ type: 'basic', username: 'alice', password: 's@cret' });
  });

  it('prefers Basic over a token when both are set, as the Python client does', () => {
    const env = { ...noHome, MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' };
    expect(resolveMlflowConfig({}, env).auth).toEqual({ type: 'basic', username: 'u', password: 'p' });
    expect(resolveMlflowConfig({}, { ...noHome, MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_TOKEN: 't' }).auth).toEqual({ type: 'bearer', token: 't' });
  });

  it('explains a missing or non-HTTP tracking URI without echoing credentials', () => {
    expect(() => resolveMlflowConfig({}, noHome)).toThrow(/MLFLOW_TRACKING_URI/);
    expect(() => resolveMlflowConfig({ trackingUri: 'file:///tmp/mlruns' }, noHome)).toThrow(/not http/);
    expect(() => resolveMlflowConfig({ trackingUri: 'ftp://u:pw123@h' }, noHome)).toThrow(/^(?![\s\S]*pw123)/);
  });
});
