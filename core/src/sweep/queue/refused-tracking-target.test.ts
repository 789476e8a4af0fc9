import { describe, expect, it } from 'vitest';
import { PluginHost } from '../../plugins/plugin-host.js';
import builtins from '../../../../plugins/src/index.js';
import { refusedTrackingTarget } from './refused-tracking-target.js';

const trackers = PluginHost.create([builtins]).registries.tracker;
const mlflow = (trackingUri: string) => ({ type: 'mlflow', params: { trackingUri, flushTimeoutSeconds: 30, retryIntervalSeconds: 10 }, chosenBy: 'MLFLOW_TRACKING_URI' });
const home = { HOME: '/nonexistent-home' };

describe('refusedTrackingTarget', () => {
  it('lets a worker without MLflow credentials report wherever the job says', () => {
    expect(refusedTrackingTarget(mlflow('http://elsewhere:5000'), trackers, home)).toBeUndefined();
  });

  it("lets a worker with credentials report to its own server, however the URI is written, and any local trial run", () => {
    const env = { ...home, MLFLOW_TRACKING_URI: 'http://mlflow:5000/', MLFLOW_TRACKING_TOKEN: 'secret' };
    expect(refusedTrackingTarget(mlflow('http://mlflow:5000'), trackers, env)).toBeUndefined();
    expect(refusedTrackingTarget({ type: 'local', params: {}, chosenBy: 'default' }, trackers, env)).toBeUndefined();
  });

  it("refuses a job that would take a worker's credentials to another server", () => {
    const env = { ...home, MLFLOW_TRACKING_URI: 'http://mlflow:5000', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' };
    expect(refusedTrackingTarget(mlflow('http://attacker:8080'), trackers, env)).toBe(
      'sends its mlflow credentials only to its own MLFLOW_TRACKING_URI (http://mlflow:5000), but the trial reports to http://attacker:8080: start the worker with MLFLOW_TRACKING_URI=http://attacker:8080 if that server is trusted',
    );
    expect(refusedTrackingTarget(mlflow('http://attacker:8080'), trackers, { ...home, MLFLOW_TRACKING_TOKEN: 't' })).toMatch(/own MLFLOW_TRACKING_URI \(not set\)/);
  });

  it('refuses a tracker the worker lacks, and params its tracker does not accept', () => {
    expect(refusedTrackingTarget({ type: 'wandb', params: {}, chosenBy: 'manifest' }, trackers, home)).toBe('has no "wandb" tracker, which the trial reports to');
    expect(refusedTrackingTarget({ type: 'mlflow', params: { trackingUri: 'http://x', shell: 'rm -rf /' }, chosenBy: 'manifest' }, trackers, home)).toMatch(
      /refuses the trial's tracking: invalid params for tracker "mlflow": \/tracking\/params\/shell: unknown key "shell"/,
    );
  });
});
