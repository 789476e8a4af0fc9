// User-defined stages through the real CLI: a hint stage then a KD stage, metric keys by stage name, the baseline's
// budget, loss variables saved per stage, `--set` addressing a stage by name, and the mistakes `distill validate`
// catches before anything trains.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

const twoStages = () =>
  smallExperiment({
    losses: undefined,
    stages: [
      {
        name: 'hint',
        epochs: 2,
        losses: [{ type: 'feature-mse', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'linear' } }],
        trainable: { freeze: ['logits'] },
      },
      { name: 'kd', losses: [{ type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }], trainable: { freeze: [] } },
    ],
  });

interface Point {
  readonly key: string;
  readonly step: number;
}

async function run(manifest: Record<string, unknown>, args: string[] = []) {
  const out = mkdtempSync(join(tmpdir(), 'stages-'));
  const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout) as { runId: string; metrics: Record<string, number>; stages: Record<string, { steps: number; epochs: number }> };
  const runDir = join(out, summary.runId);
  const points = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Point);
  return { summary, runDir, points };
}

describe('stages', () => {
  it('run one after another, each under its own name, and the baseline gets the steps of both', async () => {
    const { summary, runDir, points } = await run(twoStages());
    // 480 synthetic samples, 336 for training, in batches of 32: 11 steps an epoch.
    expect(summary.stages).toEqual({
      teacher: { steps: 44, epochs: 4, stoppedEarly: false },
      hint: { steps: 22, epochs: 2, stoppedEarly: false },
      kd: { steps: 22, epochs: 2, stoppedEarly: false },
      baseline: expect.objectContaining({ steps: 44 }),
    });
    const keys = new Set(points.map((p) => p.key));
    for (const key of ['hint/train/loss/feature-mse', 'hint/val/accuracy', 'kd/train/loss/kl-divergence', 'kd/train/loss/cross-entropy', 'kd/val/agreement', 'baseline/train/loss']) {
      expect(keys.has(key), key).toBe(true);
    }
    expect([...keys].some((key) => key.startsWith('student/train/'))).toBe(false);
    expect(points.filter((p) => p.key === 'kd/train/loss').map((p) => p.step)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    for (const key of ['hint/val/accuracy', 'kd/val/accuracy', 'student/test/accuracy', 'baseline/test/accuracy', 'distillation/gain']) {
      expect(summary.metrics[key], key).toEqual(expect.any(Number));
    }
    // The hint stage's projection (8 → 64) is saved with the student, under the stage that owns it.
    const saved = JSON.parse(readFileSync(join(runDir, 'student', 'loss-variables.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const weights = saved.weightsManifest.flatMap((group) => group.weights);
    expect(weights.map((w) => w.shape)).toEqual([[8, 64], [64]]);
    expect(weights.every((w) => w.name.startsWith('hint/feature-mse/'))).toBe(true);
  });

  it('are addressed by name in --set; a stage takes what it leaves out from the stage before it', async () => {
    // hint: 2 epochs at batch 64 (6 steps each); kd: 1 epoch, at the batch size it takes from hint.
    const { summary } = await run(twoStages(), ['--set', 'stages.kd.epochs=1', '--set', 'stages.hint.batchSize=64']);
    expect([summary.stages.hint.steps, summary.stages.kd.steps, summary.stages.baseline.steps]).toEqual([12, 6, 18]);
  });

  it('distill validate refuses an unknown stage name, a reserved one, and a frozen layer the student lacks', async () => {
    const file = writeManifest(twoStages());
    const unknown = await runCli(['validate', file, '--set', 'stages.kdd.epochs=1']);
    expect(unknown.stderr).toBe('--set stages.kdd.epochs=1: /stages: has no element named "kdd"; did you mean "kd"? valid: hint, kd\n');
    expect(unknown.code).toBe(2);
    const reserved = await runCli(['validate', file, '--set', 'stages.1.name=baseline']);
    expect(reserved.stderr).toBe('--set stages.1.name=baseline: /stages/1/name: "baseline" is the name of distill\'s own stage; choose another\n');
    const frozen = await runCli(['validate', file, '--set', 'stages.hint.trainable.freeze=["logit"]']);
    expect(frozen.stderr).toBe(
      '--set stages.hint.trainable.freeze=["logit"]: /stages/0/trainable/freeze/0: no layer of the student is named "logit"; its layers are: hidden1, logits; hint: did you mean "logits"?\n',
    );
    expect(frozen.code).toBe(2);
    const ok = await runCli(['validate', file]);
    expect(ok.stdout).toBe('ok: small: synthetic teacher mlp -> student mlp, stages hint → kd\n');
  });
});
