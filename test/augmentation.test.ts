// Augmentation through the real CLI: with `training.augment`, the teacher runs on exactly the batch the student trains
// on at every step (digests recorded by a teacher source and by a layer of the student, test/fixtures/plugins/
// input-recorder.mjs), the batches differ from the un-augmented ones, mixup's soft targets reach the losses, the seed
// and params are recorded in summary.json and the resolved manifest, and the same seed gives the same batches.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, writeManifest } from './support/cli.js';

const plugin = join(repoRoot, 'test/fixtures/plugins/input-recorder.mjs');
const AUGMENT = [
  { type: 'random-crop', params: { padding: 1, imageShape: [4, 4, 1] } },
  { type: 'gaussian-noise', params: { std: 0.05 } },
  { type: 'mixup', params: { alpha: 0.4 } },
];

async function recordedRun(augment: unknown[] | undefined, seed = 11) {
  const dir = mkdtempSync(join(tmpdir(), 'augment-'));
  const log = join(dir, 'inputs.log');
  const manifest = writeManifest({
    name: 'augment',
    seed,
    backend: 'wasm',
    plugins: [plugin],
    dataset: { type: 'synthetic', params: { numFeatures: 16, numClasses: 3, samplesPerClass: 40 } },
    teacher: { type: 'recording-teacher', params: { log } },
    student: { type: 'recording-mlp', params: { log } },
    losses: [
      { type: 'kl-divergence', params: { temperature: 2 }, weight: 0.5 },
      { type: 'cross-entropy', weight: 0.5 },
      { type: 'soft-target-probe', params: { log }, weight: 1 },
    ],
    optimizer: { type: 'adam', params: { learningRate: 0.01 } },
    training: { epochs: 2, batchSize: 16, ...(augment ? { augment } : {}) },
  });
  const out = join(dir, 'runs');
  const result = await runCli(['run', manifest, '--out', out, '--quiet']);
  const runDir = join(out, readdirSync(out)[0]);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const of = (who: string) => lines.filter((l) => l.startsWith(`${who} `)).map((l) => l.split(' ')[2]);
  return {
    result,
    runDir,
    summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')),
    teacher: of('teacher'),
    student: of('student'),
    targets: lines.filter((l) => l.startsWith('targets ')),
  };
}

/**
 * The digests of the student stage's batches: the student trains in the student stage, then (as a fresh model with
 * the same layers) in the baseline for as many steps; anything it records before (the kernel dry run) comes first.
 */
function studentStage(run: { student: string[] }, steps: number): string[] {
  expect(run.student.length).toBeGreaterThanOrEqual(2 * steps);
  return run.student.slice(run.student.length - 2 * steps, run.student.length - steps);
}

describe('augmentation', () => {
  it('runs the teacher on exactly the student\'s augmented batch at every step, and mixes the targets the losses get', async () => {
    const run = await recordedRun(AUGMENT);
    expect(run.result.stderr).toBe('');
    expect(run.result.code).toBe(0);
    const steps = run.summary.stages.student.steps;
    expect(steps).toBeGreaterThan(5);
    const studentSteps = studentStage(run, steps);
    expect(studentSteps).toHaveLength(steps);
    const start = run.teacher.indexOf(studentSteps[0]);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(run.teacher.slice(start, start + steps)).toEqual(studentSteps);
    expect(new Set(studentSteps).size).toBe(steps);

    const student = run.targets;
    expect(student).toHaveLength(steps);
    expect(student.every((l) => l.endsWith('sumsToOne=true'))).toBe(true);
    expect(student.some((l) => /mixed=[1-9]/.test(l))).toBe(true);

    expect(run.summary.augmentation.seed).toEqual(expect.any(Number));
    expect(run.summary.augmentation.steps.map((s: { type: string }) => s.type)).toEqual(['random-crop', 'gaussian-noise', 'mixup']);
    const resolved = JSON.parse(readFileSync(join(run.runDir, 'manifest.resolved.json'), 'utf8'));
    expect(resolved.training.augment[0]).toEqual({ type: 'random-crop', params: { padding: 1, imageShape: [4, 4, 1] } });
    expect(resolved.training.augment[2]).toEqual({ type: 'mixup', params: { alpha: 0.4 } });
    expect(readFileSync(join(run.runDir, 'run.log'), 'utf8')).toMatch(/student stage: augmenting every batch with random-crop → gaussian-noise → mixup \(seed \d+\)/);
  }, 180_000);

  it('gives other batches than the un-augmented run, the same batches for the same seed, and none mixed without augmentation', async () => {
    const [plain, augmented, again] = await Promise.all([recordedRun(undefined), recordedRun(AUGMENT), recordedRun(AUGMENT)]);
    const steps = plain.summary.stages.student.steps;
    expect(studentStage(augmented, steps)).toEqual(studentStage(again, steps));
    const augmentedSteps = studentStage(augmented, steps);
    studentStage(plain, steps).forEach((digest, step) => expect(augmentedSteps[step]).not.toBe(digest));
    expect(plain.targets).toHaveLength(steps);
    expect(plain.targets.every((l) => l.endsWith(' none'))).toBe(true);
    // Without augmentation the teacher is never run per step: its outputs come from the pass over each split.
    expect(plain.teacher.filter((d) => studentStage(plain, steps).includes(d))).toEqual([]);
    expect(plain.summary.augmentation).toBeUndefined();
  }, 240_000);

  it('is refused by validate at its place when the samples are not images, and when its type is unknown', async () => {
    const manifest = (augment: unknown[]) =>
      writeManifest({
        name: 'augment-refused',
        dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 3 } },
        teacher: { type: 'mlp', params: { hidden: [8] } },
        student: { type: 'mlp', params: { hidden: [4] } },
        losses: [{ type: 'kl-divergence' }],
        training: { epochs: 1, augment },
      });
    const notImages = await runCli(['validate', manifest([{ type: 'gaussian-noise' }, { type: 'cutmix' }])]);
    expect(notImages.code).toBe(2);
    expect(notImages.stderr).toMatch(/:\d+:\d+: \/training\/augment\/1\/params: inputs of shape \[12\] are not images; give imageShape \[height, width, channels\]/);
    const unknown = await runCli(['validate', manifest([{ type: 'mix-up' }])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/\/training\/augment\/0\/type: unknown augmentation "mix-up"; did you mean "mixup"\?/);
  }, 60_000);
});
