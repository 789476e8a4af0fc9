// A multi-objective sweep through the real CLI, recorded in a real MLflow server: accuracy against shipped bytes under
// a parameter budget, each configuration run twice. The Pareto front in sweep.json, trials.csv, the final table and
// the parent run must be the one a brute-force dominance check over the trials' own summaries finds; a constraint on
// an unknown metric and an impossible one are refused before any trial runs.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MlflowClient, resolveMlflowConfig } from '@distill/core/tracking';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

const ACCURACY = 'deployed/test/accuracy';
const BYTES = 'deployed/gzipBytes';

function sweepManifest(sweep: Record<string, unknown>): string {
  return writeManifest({
    ...smallExperiment({ training: { epochs: 2, batchSize: 32, baseline: false } }),
    name: 'pareto-sweep',
    export: { quantize: ['float32'] },
    sweep,
  });
}

const SWEEP = {
  method: 'grid',
  metrics: [{ name: ACCURACY, goal: 'maximize' }, { name: BYTES, goal: 'minimize' }],
  constraints: ['student/parameters <= 300'],
  repeats: 2,
  parameters: {
    'student.params.hidden': { values: [[4], [8], [32]] },
    'export.quantize': { values: [['float32'], ['uint8']] },
  },
};

describe('distill sweep with several objectives', () => {
  it('finds, marks and records the Pareto front of the feasible configurations, ranked by mean ± std', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweeps-'));
    const experimentName = `distill-pareto-${Date.now()}`;
    const result = await runCli(['sweep', sweepManifest(SWEEP), '--concurrency', '2', '--out', out], {
      env: { MLFLOW_TRACKING_URI: inject('mlflowUri'), MLFLOW_EXPERIMENT_NAME: experimentName, DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'teacher-cache-')) },
    });
    expect(result.code, result.stderr).toBe(0);
    const sweepDir = join(out, readdirSync(out)[0]);
    const sweep = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8'));
    expect(sweep.trials).toHaveLength(12);

    // The reference: every configuration's mean over its two runs, read from the runs' own summary.json files.
    type Config = { trials: number[]; accuracy: number; bytes: number; parameters: number };
    const configs = new Map<string, Config>();
    for (const trial of sweep.trials) {
      const summary = JSON.parse(readFileSync(join(sweepDir, trial.runDir, 'summary.json'), 'utf8'));
      const key = JSON.stringify(trial.params);
      const c = configs.get(key) ?? { trials: [], accuracy: 0, bytes: 0, parameters: summary.metrics['student/parameters'] };
      c.trials.push(trial.trial);
      c.accuracy += summary.metrics[ACCURACY] / 2;
      c.bytes += summary.metrics[BYTES] / 2;
      configs.set(key, c);
    }
    expect([...configs.values()].every((c) => c.trials.length === 2)).toBe(true);
    const feasible = [...configs.values()].filter((c) => c.parameters <= 300);
    expect(feasible.length).toBeGreaterThan(0);
    expect(feasible.length).toBeLessThan(configs.size);
    const dominated = (c: Config) => feasible.some((o) => o !== c && o.accuracy >= c.accuracy && o.bytes <= c.bytes && (o.accuracy > c.accuracy || o.bytes < c.bytes));
    const front = feasible.filter((c) => !dominated(c)).flatMap((c) => c.trials).sort((a, b) => a - b);
    expect(sweep.pareto).toEqual(front);

    // The two runs of a configuration ran with different seeds.
    const [a, b] = sweep.trials.filter((t: { config: number }) => t.config === 1);
    expect(a.seed).not.toBe(b.seed);
    expect(JSON.parse(readFileSync(join(sweepDir, a.runDir, 'manifest.resolved.json'), 'utf8')).seed).toBe(a.seed);

    const csv = readFileSync(join(sweepDir, 'trials.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    expect(header).toEqual(expect.arrayContaining([ACCURACY, BYTES, 'student/parameters', 'feasible', 'pareto', 'config', 'repeat', 'seed']));
    const onFront = csv.slice(1).map((line) => line.split(',')).filter((row) => row[header.indexOf('pareto')] === '1').map((row) => Number(row[0]));
    expect(onFront.sort((x, y) => x - y)).toEqual(front);

    expect(result.stdout).toMatch(/★ pareto/);
    expect(result.stdout).toMatch(/\d\.\d{4} ± \d\.\d{4}/);
    expect(result.stdout).toMatch(/✗ not met/);
    expect(result.stdout).toContain(`Pareto front: ${front.length / 2} configuration`);

    const client = new MlflowClient(resolveMlflowConfig({ trackingUri: inject('mlflowUri') }, { HOME: '/nonexistent-home' }));
    const parent = await client.getRun(sweep.tracking.state.parentRunId);
    const tags = Object.fromEntries(parent.data.tags.map((t) => [t.key, t.value]));
    expect(tags['distill.sweep.pareto']).toBe(front.join(','));
    expect(tags['distill.sweep.metrics']).toBe(`${ACCURACY} (maximize), ${BYTES} (minimize)`);
  });

  it('refuses a constraint on an unknown metric and one no trial can meet, before the first trial', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sweeps-'));
    const manifest = sweepManifest({ ...SWEEP, constraints: ['student/paramters <= 300', 'deployed/test/accuracy >= 1.5'] });
    const result = await runCli(['sweep', manifest, '--out', out]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: /sweep/constraints/0: constraint on an unknown metric "student/paramters"; did you mean "student/parameters"\\?`));
    expect(lines[1]).toMatch(/:\d+:\d+: \/sweep\/constraints\/1: no trial can meet "deployed\/test\/accuracy >= 1.5": deployed\/test\/accuracy is always between 0 and 1$/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
