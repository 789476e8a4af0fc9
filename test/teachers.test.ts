// Teachers as a map, through the real CLI: each trained, evaluated and cached on its own, each loss learning from the
// teacher it names; and a teacher source (test/fixtures/plugins/saved-model-teacher.mjs) standing in for a saved model,
// which gives the student exactly what the same model as a `tfjs-model` teacher gives.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const sourcePlugin = join(repoRoot, 'test/fixtures/plugins/saved-model-teacher.mjs');

interface Summary {
  runId: string;
  metrics: Record<string, number>;
  stages: Record<string, { steps: number }>;
  artifacts: string[];
}

async function run(manifest: Record<string, unknown>, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const out = mkdtempSync(join(tmpdir(), 'teachers-'));
  const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json', ...args], { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout) as Summary;
  const runDir = join(out, summary.runId);
  const lines = (file: string) => readFileSync(join(runDir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return { summary, runDir, points: lines('metrics.jsonl') as { key: string; step: number; value: number }[], tags: JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8')) as Record<string, string> };
}

const twoTeachers = () =>
  smallExperiment({
    teacher: undefined,
    teachers: {
      wide: { type: 'mlp', params: { hidden: [64] }, train: { epochs: 3, batchSize: 32 } },
      deep: { type: 'mlp', params: { hidden: [32, 32] }, train: { epochs: 3, batchSize: 32 } },
    },
    losses: [
      { type: 'kl-divergence', params: { temperature: 4 }, weight: 0.45, teacher: 'wide', name: 'kl-wide' },
      { type: 'kl-divergence', params: { temperature: 4 }, weight: 0.45, teacher: 'deep', name: 'kl-deep' },
      { type: 'cross-entropy', weight: 0.1 },
    ],
    training: { epochs: 2, batchSize: 32 },
  });

/** The metrics a run measured, without the timings (which differ from run to run). */
const measured = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(metrics).filter(([key]) => !/latency|speedup/.test(key)));

describe('several teachers', () => {
  it('are each trained, saved, evaluated and cached on their own; each loss learns from the one it names', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'teachers-cache-'));
    const env = { DISTILL_CACHE_DIR: cache };
    const once = await run(twoTeachers(), ['--cache'], env);
    expect(Object.keys(once.summary.stages)).toEqual(['teacher/wide', 'teacher/deep', 'student', 'baseline']);
    for (const key of ['teacher/wide/test/accuracy', 'teacher/deep/test/accuracy', 'student/test/agreement/wide', 'student/test/agreement/deep', 'baseline/test/agreement/wide', 'teacher/wide/parameters', 'ensemble/test/accuracy', 'student/test/agreement/ensemble', 'teacher/deep/test/agreement/ensemble']) {
      expect(once.summary.metrics[key], key).toEqual(expect.any(Number));
    }
    expect(once.summary.metrics['teacher/test/accuracy']).toBeUndefined();
    expect(once.summary.metrics['teacher/wide/parameters']).toBe(12 * 64 + 64 + 64 * 4 + 4);
    expect(once.summary.artifacts).toEqual(expect.arrayContaining(['teachers/wide/model.json', 'teachers/deep/model.json']));
    const keys = new Set(once.points.map((p) => p.key));
    for (const key of ['teacher/wide/train/loss', 'teacher/deep/val/accuracy', 'student/train/loss/kl-wide', 'student/train/loss/kl-deep', 'student/val/agreement/wide']) expect(keys.has(key), key).toBe(true);
    // Two teachers, two different targets: the two KL terms differ at every step.
    const term = (name: string) => once.points.filter((p) => p.key === `student/train/loss/${name}`).map((p) => p.value);
    expect(term('kl-wide').every((value, i) => value !== term('kl-deep')[i])).toBe(true);
    // Each teacher has its cache entry, and its outputs on the training and validation splits theirs.
    expect(readdirSync(join(cache, 'teachers')).filter((name) => !name.includes('.'))).toHaveLength(2);
    expect(readdirSync(join(cache, 'teacher-outputs')).filter((name) => !name.includes('.'))).toHaveLength(4);

    const again = await run(twoTeachers(), ['--cache'], env);
    expect(Object.keys(again.summary.stages)).toEqual(['student', 'baseline']);
    expect(again.tags['distill.teacher.wide.cache']).toBe('reused');
    expect(again.tags['distill.teacher.deep.cache']).toBe('reused');
    expect(again.tags['distill.teacherOutputs.cache']).toBe('reused');
    // The same teachers, so the same student; the teachers' own validation metrics exist only where they trained.
    const withoutTeacherStages = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(measured(metrics)).filter(([key]) => !/^teacher\/\w+\/val\//.test(key)));
    expect(withoutTeacherStages(again.summary.metrics)).toEqual(withoutTeacherStages(once.summary.metrics));
    expect(Object.keys(once.summary.metrics)).toEqual(expect.arrayContaining(['teacher/wide/val/accuracy', 'teacher/deep/val/accuracy']));
  });

  it('distill validate refuses a loss naming a teacher the manifest lacks, at its `teacher`', async () => {
    const file = writeManifest(twoTeachers());
    const result = await runCli(['validate', file, '--set', 'losses.1.teacher=dep']);
    expect(result.stderr).toBe('--set losses.1.teacher=dep: /losses/1/teacher: unknown teacher "dep"; did you mean "deep"? valid: deep, wide\n');
    expect(result.code).toBe(2);
    expect((await runCli(['validate', file])).stdout).toBe('ok: small: synthetic teachers wide:mlp, deep:mlp -> student mlp, losses kl-divergence+kl-divergence+cross-entropy, 2 epochs\n');
  });
});

describe('a teacher source', () => {
  it('teaches the student exactly what the same saved model teaches as a tfjs-model teacher, and is recorded with the run', async () => {
    const trained = await run(smallExperiment({ training: { epochs: 1, batchSize: 32, baseline: false } }));
    const path = join(trained.runDir, 'teacher', 'model.json');
    expect(existsSync(path)).toBe(true);
    const manifest = (teacher: Record<string, unknown>) => smallExperiment({ plugins: [sourcePlugin], teacher, training: { epochs: 2, batchSize: 32 } });
    const model = await run(manifest({ type: 'tfjs-model', params: { path } }));
    const source = await run(manifest({ type: 'saved-model-teacher', params: { path } }));
    const student = (points: typeof model.points) => points.filter((p) => /^(student|baseline)\//.test(p.key) && !/latency|speedup/.test(p.key)).map((p) => `${p.key}@${p.step}=${p.value}`);
    expect(student(source.points).length).toBeGreaterThan(50);
    expect(student(source.points)).toEqual(student(model.points));
    for (const key of ['teacher/test/accuracy', 'teacher/test/loss', 'student/test/accuracy', 'student/test/agreement', 'baseline/test/accuracy']) {
      expect(source.summary.metrics[key], key).toBe(model.summary.metrics[key]);
    }
    // A source is not a model distill can measure: no size, no speed, no compression ratio.
    expect(source.summary.metrics['teacher/parameters']).toBeUndefined();
    expect(source.summary.metrics['compression/ratio']).toBeUndefined();
    expect(source.tags['distill.teacher.source.model']).toBe(path);
    expect(source.tags['distill.teacher.source.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(source.tags['distill.plugins']).toContain(`teacher/saved-model-teacher (${sourcePlugin.slice(repoRoot.length)}`);
  });

  it('that gives only probabilities is refused where a loss needs logits, and taught through kl-divergence', async () => {
    const trained = await run(smallExperiment({ training: { epochs: 1, batchSize: 32, baseline: false } }));
    const teacher = { type: 'saved-model-teacher', params: { path: join(trained.runDir, 'teacher', 'model.json'), probabilities: true } };
    const logitLoss = join(repoRoot, 'test/fixtures/plugins/logit-mse.mjs');
    const file = writeManifest(smallExperiment({ plugins: [sourcePlugin, logitLoss], teacher, losses: [{ type: 'logit-mse', weight: 0.9 }, { type: 'cross-entropy', weight: 0.1 }] }));
    const result = await runCli(['validate', file]);
    expect(result.stderr).toMatch(/:\d+:\d+: \/losses\/0: loss "logit-mse" needs the teacher's logits, but teacher \(a teacher source\) gives only probabilities\n$/);
    expect(result.code).toBe(2);
    // kl-divergence softens probabilities as it softens logits: the student learns the very same targets.
    const fromLogits = await run(smallExperiment({ plugins: [sourcePlugin], teacher: { ...teacher, params: { ...teacher.params, probabilities: false } }, training: { epochs: 2, batchSize: 32, baseline: false } }));
    const fromProbabilities = await run(smallExperiment({ plugins: [sourcePlugin], teacher, training: { epochs: 2, batchSize: 32, baseline: false } }));
    const kl = (points: typeof fromLogits.points) => points.filter((p) => p.key === 'student/train/loss/kl-divergence').map((p) => p.value);
    expect(kl(fromProbabilities.points)).toHaveLength(kl(fromLogits.points).length);
    kl(fromProbabilities.points).forEach((value, i) => expect(value).toBeCloseTo(kl(fromLogits.points)[i], 3));
    expect(fromProbabilities.summary.metrics['teacher/test/accuracy']).toBe(fromLogits.summary.metrics['teacher/test/accuracy']);
  });
});
