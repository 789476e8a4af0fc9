// A TensorFlow.js GraphModel as a teacher, through the real CLI: the fixture written with numpy
// (test/reference/graph_model_fixture.py) teaches a student, a feature loss taps one of its intermediate nodes by name,
// and a node the graph does not offer is refused before training with the names it does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

const model = join(repoRoot, 'test/fixtures/graph-model/model.json');
const graphTeacher = { type: 'graph-model', params: { path: model, layers: ['hidden/Relu'] } };

describe('graph-model teacher', () => {
  it('teaches a student, with a feature loss on an intermediate node, and is recorded with the run', async () => {
    const manifest = smallExperiment({
      teacher: graphTeacher,
      losses: [
        { type: 'kl-divergence', params: { temperature: 4 }, weight: 0.8 },
        { type: 'feature-mse', params: { teacherLayer: 'hidden/Relu', studentLayer: 'hidden1', projection: 'linear' }, weight: 0.1 },
        { type: 'cross-entropy', weight: 0.1 },
      ],
    });
    const out = mkdtempSync(join(tmpdir(), 'graph-model-'));
    const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { runId: string; metrics: Record<string, number> };
    expect(summary.metrics['teacher/test/accuracy']).toEqual(expect.any(Number));
    const points = readFileSync(join(out, summary.runId, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; value: number });
    const feature = points.filter((p) => p.key === 'student/train/loss/feature-mse').map((p) => p.value);
    expect(feature.length).toBeGreaterThan(10);
    expect(feature.every((value) => Number.isFinite(value) && value > 0)).toBe(true);
    const tags = JSON.parse(readFileSync(join(out, summary.runId, 'tags.json'), 'utf8')) as Record<string, string>;
    expect(tags['distill.teacher.source.model']).toBe(model);
    expect(tags['distill.teacher.source.output']).toBe('logits/BiasAdd');
    expect(tags['distill.teacher.source.sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a node name the graph lacks, at the teacher, with the nearest name', async () => {
    const file = writeManifest(smallExperiment({ teacher: { ...graphTeacher, params: { ...graphTeacher.params, layers: ['hiden/Relu'] } } }));
    const result = await runCli(['validate', file]);
    expect(result.stderr).toBe(
      `${file}:14:14: /teacher: ${model}: the graph has no node "hiden/Relu"; did you mean "hidden/Relu"? (its nodes: x, hidden/kernel, hidden/bias, logits/kernel, logits/bias, hidden/MatMul, hidden/BiasAdd, hidden/Relu, logits/MatMul, logits/BiasAdd)\n`,
    );
    expect(result.code).toBe(2);
    const tapsUnoffered = writeManifest(smallExperiment({ teacher: graphTeacher, losses: [{ type: 'feature-mse', params: { teacherLayer: 'hidden/BiasAdd', studentLayer: 'hidden1', projection: 'linear' } }] }));
    const unoffered = await runCli(['validate', tapsUnoffered]);
    expect(unoffered.stderr).toMatch(/:\d+:\d+: \/losses\/0\/params\/teacherLayer: the teacher has no layer "hidden\/BiasAdd"; its layers are: hidden\/Relu\n$/);
    expect(unoffered.code).toBe(2);
  });
});
