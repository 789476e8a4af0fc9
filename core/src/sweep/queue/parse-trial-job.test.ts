import { describe, expect, it } from 'vitest';
import { InvalidJobError, parseTrialJob, parseTrialOutcome } from './parse-trial-job.js';

const own = { outDir: '/worker/runs', trainingCacheDir: '/worker/cache', plugins: ['/worker/plugins/a.mjs'] };
const task = (overrides: Record<string, unknown> = {}) => ({
  sweepId: 'sweep-1',
  trial: 2,
  runId: 'sweep-1-t002',
  manifest: { name: 'x' },
  manifestFile: '/project/manifest.json',
  plugins: ['/coordinator/evil.mjs'],
  outDir: '/coordinator/runs',
  trainingCacheDir: '/coordinator/cache',
  tags: { 'mlflow.parentRunId': 'abc' },
  tracking: { type: 'mlflow', params: { trackingUri: 'http://mlflow:5000', experimentName: 'e' }, chosenBy: 'MLFLOW_TRACKING_URI' },
  ...overrides,
});

describe('parseTrialJob', () => {
  it('keeps the trial and puts the worker\'s own directories and plugins in place of the coordinator\'s', () => {
    const job = parseTrialJob('sweep-1-t002', { task: task(), requires: [{ kind: 'loss', name: 'x', version: '1.0.0' }], teacher: { key: 'a'.repeat(32), digest: 'b'.repeat(64) } }, own);
    expect(job.task).toEqual({ ...task(), ...own, workerPluginsOnly: true });
    expect(job.teacher).toEqual({ key: 'a'.repeat(32), digest: 'b'.repeat(64) });
  });

  it('refuses ids that are paths, keys and digests that are not hex, and unknown keys, naming each', () => {
    const refused = (jobId: string, data: unknown) => {
      try {
        parseTrialJob(jobId, data, own);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidJobError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('../x', { task: task({ runId: '../x' }), requires: [] })).toMatch(/^refused job "\.\.\/x": the job id "\.\.\/x" is not a run id .*; \/task\/runId: must match pattern/);
    expect(refused('a', { task: task({ runId: 'a', sweepId: '..' }), requires: [] })).toMatch(/\/task\/sweepId: must match pattern/);
    expect(refused('a', { task: task({ runId: 'b' }), requires: [] })).toBe('refused job "a": the job id "a" is not the trial\'s run id "b"');
    expect(refused('sweep-1-t002', { task: task(), requires: [], teacher: { key: '../../v', digest: 'b'.repeat(64) } })).toMatch(/\/teacher\/key: must match pattern/);
    expect(refused('sweep-1-t002', { task: task(), requires: [], teacher: { key: 'a'.repeat(32), digest: 'B'.repeat(64) } })).toMatch(/\/teacher\/digest: must match pattern/);
    expect(refused('sweep-1-t002', { task: task({ tracking: { type: 'mlflow', params: {}, chosenBy: 'manifest', env: { NODE_OPTIONS: '--require /x' } } }), requires: [] })).toMatch(
      /\/task\/tracking: unexpected key "env"/,
    );
    expect(refused('sweep-1-t002', { task: task({ manifestFile: 'relative.json' }), requires: [] })).toMatch(/\/task\/manifestFile: must match pattern/);
    expect(refused('sweep-1-t002', { task: task({ workerPluginsOnly: false }), requires: [] })).toMatch(/\/task: unexpected key "workerPluginsOnly"/);
    expect(refused('sweep-1-t002', { task: task(), requires: [{ kind: 'virus', name: 'x' }] })).toMatch(/\/requires\/0\/kind: must be equal to one of the allowed values/);
  });

  it('shows a hostile value JSON-quoted and cut short in the message', () => {
    expect(() => parseTrialJob(`\u001b[31m${'x'.repeat(200)}`, {}, own)).toThrow(/^refused job "\\u001b\[31mx+…: the job id /);
  });
});

describe('parseTrialOutcome', () => {
  const outcome = { status: 'FINISHED', runId: 'r1', runDir: '/worker/runs/r1', metrics: { a: 0.5 }, stoppedEarly: false, durationMs: 10 };
  it('accepts a worker\'s result and refuses a malformed one', () => {
    expect(parseTrialOutcome(outcome)).toEqual(outcome);
    expect(parseTrialOutcome({ ...outcome, status: 'PWNED' })).toMatch(/^the worker's result is malformed: \/status: must be equal to one of the allowed values/);
    expect(parseTrialOutcome({ ...outcome, runId: '../../r' })).toMatch(/\/runId: must match pattern/);
  });
});
