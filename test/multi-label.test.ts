// A multi-label dataset end to end through the real CLI: the synthetic dataset's multi-label option, sigmoid heads
// trained on binary cross-entropy (the teacher stage, the student's `binary-cross-entropy`, the baseline), label-wise
// accuracy, and the softmax losses refused by `distill validate`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';

const multiLabel = () =>
  smallExperiment({
    dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 120, labelsPerClass: 30, multiLabel: true, separation: 3, clusterSpread: 0.7 } },
    teacher: { type: 'mlp', params: { hidden: [64] }, train: { epochs: 10, batchSize: 32, optimizer: { type: 'adam', params: { learningRate: 0.01 } } } },
    losses: [
      { type: 'binary-cross-entropy' },
      { type: 'feature-mse', params: { teacherLayer: 'hidden1', studentLayer: 'hidden1', projection: 'linear' }, weight: 0.1 },
    ],
    training: { epochs: 6, batchSize: 32 },
  });

describe('a multi-label dataset', () => {
  it('trains teacher, student and baseline as sigmoid heads on their targets', async () => {
    const out = mkdtempSync(join(tmpdir(), 'multi-label-'));
    const result = await runCli(['run', writeManifest(multiLabel()), '--out', out, '--quiet', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { metrics, stages } = JSON.parse(result.stdout) as { metrics: Record<string, number>; stages: Record<string, unknown> };
    expect(Object.keys(stages)).toEqual(['teacher', 'student', 'baseline']);
    // Label-wise accuracy over 4 classes; always answering "no" would score 62.5 % here (1.5 targets of 4 on average).
    expect(metrics['teacher/test/accuracy']).toBeGreaterThan(0.95);
    expect(metrics['student/test/accuracy']).toBeGreaterThan(0.85);
    for (const key of ['teacher/test/loss', 'student/test/loss', 'baseline/test/loss', 'student/test/agreement', 'student/val/agreement']) {
      expect(metrics[key], key).toBeGreaterThan(0);
      expect(metrics[key], key).toBeLessThan(1);
    }
  });

  it('is refused with a softmax loss, which would train the wrong head', async () => {
    const file = writeManifest(multiLabel());
    const result = await runCli(['validate', file, '--set', 'losses.0.type=cross-entropy']);
    expect(result.stderr).toMatch(/^\S+manifest\.json:\d+:\d+: \/losses\/0\/params: cross-entropy is a softmax loss \(one class per sample\), but the dataset is multi-label; hint: use binary-cross-entropy\n$/);
    expect(result.code).toBe(2);
  });
});
