import { describe, expect, it } from 'vitest';
import { refusedTrackingTarget } from './refused-tracking-target.js';

const task = (trackingUri?: string, manifest: Record<string, unknown> = {}) => ({ tracking: { manifestNamesTracker: false, ...(trackingUri ? { trackingUri } : {}) }, manifest });
const home = { HOME: '/nonexistent-home' };

describe('refusedTrackingTarget', () => {
  it('lets a worker without MLflow credentials report wherever the job says', () => {
    expect(refusedTrackingTarget(task('http://elsewhere:5000'), home)).toBeUndefined();
  });

  it('lets a worker with credentials report to its own server, however the URI is written', () => {
    const env = { ...home, MLFLOW_TRACKING_URI: 'http://mlflow:5000/', MLFLOW_TRACKING_TOKEN: 'secret' };
    expect(refusedTrackingTarget(task('http://mlflow:5000'), env)).toBeUndefined();
    expect(refusedTrackingTarget(task(), env)).toBeUndefined();
  });

  it('refuses a job that would take a worker\'s credentials to another server, from the job or its manifest', () => {
    const env = { ...home, MLFLOW_TRACKING_URI: 'http://mlflow:5000', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' };
    expect(refusedTrackingTarget(task('http://attacker:8080'), env)).toBe(
      'sends its MLflow credentials only to its own MLFLOW_TRACKING_URI (http://mlflow:5000), but the trial reports to http://attacker:8080: start the worker with MLFLOW_TRACKING_URI=http://attacker:8080 if that server is trusted',
    );
    expect(refusedTrackingTarget(task(undefined, { tracking: { type: 'mlflow', params: { trackingUri: 'http://attacker:8080' } } }), env)).toMatch(/reports to http:\/\/attacker:8080/);
    expect(refusedTrackingTarget(task('http://attacker:8080'), { ...home, MLFLOW_TRACKING_TOKEN: 't' })).toMatch(/own MLFLOW_TRACKING_URI \(not set\)/);
  });
});
