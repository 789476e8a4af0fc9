// The custom-plugin example (experiments/custom-plugin/) through the real CLI: a TypeScript dataset plugin reading
// JSON Lines and a TypeScript loss plugin, next to built-ins, from `distill plugins` and `distill schema` to a run.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';

const example = 'experiments/custom-plugin';
const manifest = `${example}/manifest.json`;

interface MetricLine {
  readonly key: string;
  readonly value: number;
  readonly step: number;
}

describe('the custom-plugin example', () => {
  it('runs end to end: the custom dataset feeds the run and the custom loss is logged at every student step', async () => {
    const out = mkdtempSync(join(tmpdir(), 'custom-plugin-runs-'));
    const result = await runCli(['run', manifest, '--set', 'training.epochs=1', '--set', 'teacher.train.epochs=2', '--out', out, '--quiet', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; runId: string; stages: Record<string, { steps: number }> };
    expect(summary.status).toBe('FINISHED');
    const runDir = join(out, summary.runId);
    const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as MetricLine);
    const steps = (key: string) => metrics.filter((point) => point.key === key).map((point) => point.step);
    // 420 training rows (600 − 120 test − 60 validation) in batches of 32: 14 steps in the one student epoch.
    expect(summary.stages.student.steps).toBe(14);
    const studentSteps = Array.from({ length: 14 }, (_, step) => step);
    expect(steps('student/train/loss')).toEqual(studentSteps);
    expect(steps('student/train/loss/cosine-hint')).toEqual(studentSteps);
    const cosine = metrics.filter((point) => point.key === 'student/train/loss/cosine-hint').map((point) => point.value);
    expect(cosine.every((value) => value >= 0 && value <= 2)).toBe(true);
    expect(cosine[cosine.length - 1]).toBeLessThan(cosine[0]);
    // The projection the loss trained is saved with the student: a 32 → 128 kernel and its bias (student hidden1 has
    // 32 units, the teacher's 128), named after the loss term.
    const saved = JSON.parse(readFileSync(join(runDir, 'student', 'loss-variables.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const shapes = saved.weightsManifest.flatMap((group) => group.weights).map(({ name, shape }) => [name.replace(/_\d+$/, ''), shape]);
    expect(shapes.map(([, shape]) => shape)).toEqual([[32, 128], [128]]);
    expect(shapes.every(([name]) => String(name).startsWith('cosine-hint/'))).toBe(true);
    expect(readFileSync(join(runDir, 'run.log'), 'utf8')).toContain('dataset jsonl-records: 420 train, 60 validation, 120 test, 10 classes');
  });

  it('distill plugins --manifest lists both custom plugins with their source files', async () => {
    const result = await runCli(['plugins', '--manifest', manifest]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}jsonl-records - .+ \[experiments\/custom-plugin\/plugins\/jsonl-records\.ts\]$/m);
    expect(result.stdout).toMatch(/^ {2}cosine-hint - .+ \[experiments\/custom-plugin\/plugins\/cosine-hint\.ts\]$/m);
    expect(result.stdout).toMatch(/^ {6}projection \("linear" \| "none", default "linear"\): /m);
  });

  it('its $schema, distill.schema.json, is what distill schema --manifest writes (else: npm run build && npm run generate:schema)', async () => {
    const file = join(repoRoot, example, 'distill.schema.json');
    const written = join(mkdtempSync(join(tmpdir(), 'custom-plugin-schema-')), 'schema.json');
    const result = await runCli(['schema', '--manifest', manifest, '--out', written]);
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8'), 'regenerate: npm run build && npm run generate:schema').toBe(readFileSync(written, 'utf8'));
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    expect(JSON.parse(readFileSync(join(repoRoot, manifest), 'utf8')).$schema).toBe('./distill.schema.json');
    expect(schema.definitions.LossReference.properties.type.enum).toContain('cosine-hint');
    expect(schema.definitions.DatasetReference.properties.type.enum).toContain('jsonl-records');
    expect(Object.keys(schema.definitions['loss.cosine-hint.params'].properties)).toEqual(['teacherLayer', 'studentLayer', 'projection']);
  });

  it('its plugins and their tests type-check with only @distill/core and @tensorflow/tfjs', () => {
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, example)], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const imports = readdirSync(join(repoRoot, example, 'plugins'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .flatMap((file) => [...readFileSync(join(repoRoot, example, 'plugins', file), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]));
    expect(new Set(imports)).toEqual(new Set(['@tensorflow/tfjs', '@distill/core', 'node:crypto', 'node:fs', 'node:path']));
  });
});
