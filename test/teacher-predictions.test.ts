// A teacher's predictions as a file, through the real CLI: `distill predict` writes them from a saved model, the Python
// snippet of docs/teachers.md writes the same logits with numpy, and a student distilled from either learns exactly
// what it learns from the model itself. A file that does not fit the data is refused by `distill validate`, saying
// where and why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { decodeNpy, encodeNpy } from '@distill/core';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

interface Summary {
  runId: string;
  metrics: Record<string, number>;
}

async function run(manifest: Record<string, unknown>) {
  const out = mkdtempSync(join(tmpdir(), 'predictions-'));
  const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout) as Summary;
  const runDir = join(out, summary.runId);
  const points = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; step: number; value: number });
  const tags = JSON.parse(readFileSync(join(runDir, 'tags.json'), 'utf8')) as Record<string, string>;
  return { summary, runDir, points, tags };
}

/** What the student and the baseline did, step by step, and how they and the teacher scored (no timings). */
const learned = (result: Awaited<ReturnType<typeof run>>) => [
  ...result.points.filter((p) => /^(student|baseline)\//.test(p.key) && !/latency|speedup/.test(p.key)).map((p) => `${p.key}@${p.step}=${p.value}`),
  ...['teacher/test/accuracy', 'teacher/test/loss', 'student/test/agreement'].map((key) => `${key}=${result.summary.metrics[key]}`),
];

/** The python block of docs/teachers.md marked as tested. */
function pythonSnippet(): string {
  const doc = readFileSync(join(repoRoot, 'docs/teachers.md'), 'utf8');
  const match = /<!-- tested: save-predictions -->\n```python\n([\s\S]*?)```/.exec(doc);
  expect(match, 'docs/teachers.md has the tested python block').not.toBeNull();
  return match![1];
}

/** A trained small teacher saved as a tfjs model, and manifests for it as a model and as predictions. */
async function savedTeacher() {
  const trained = await run(smallExperiment({ training: { epochs: 1, batchSize: 32, baseline: false } }));
  const modelPath = join(trained.runDir, 'teacher', 'model.json');
  const manifest = (teacher: Record<string, unknown>) => smallExperiment({ teacher, training: { epochs: 2, batchSize: 32 } });
  return { modelPath, manifest, viaModel: manifest({ type: 'tfjs-model', params: { path: modelPath } }) };
}

describe('teacher-predictions', () => {
  it('from distill predict, or from the documented Python snippet, teaches exactly what the saved model teaches', async () => {
    const { manifest, viaModel } = await savedTeacher();
    const dir = mkdtempSync(join(tmpdir(), 'predictions-file-'));
    const npy = join(dir, 'teacher.npy');
    const predicted = await runCli(['predict', writeManifest(viaModel), '--out', npy]);
    expect(predicted.stderr).toBe('');
    expect(predicted.stdout).toMatch(/^wrote .*teacher\.npy and .*teacher\.json: logits of teacher "teacher" for 336 train, 48 validation, 96 test samples, 4 classes\n$/);
    expect(predicted.code).toBe(0);
    const header = JSON.parse(readFileSync(join(dir, 'teacher.json'), 'utf8'));
    expect(header.splits.map((s: { name: string; count: number; ids: number[] }) => [s.name, s.count, s.ids.length])).toEqual([['train', 336, 336], ['validation', 48, 48], ['test', 96, 96]]);
    expect(header.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const model = await run(viaModel);
    const fromFile = await run(manifest({ type: 'teacher-predictions', params: { path: npy } }));
    expect(learned(fromFile).length).toBeGreaterThan(50);
    expect(learned(fromFile)).toEqual(learned(model));
    expect(fromFile.tags['distill.teacher.source.file']).toBe(npy);
    expect(fromFile.tags['distill.teacher.source.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(fromFile.tags['distill.teacher.source.origin.type']).toBe('tfjs-model');

    // The same logits, written by the docs' snippet as a user writes their own model's: no ids, no fingerprint.
    const script = `${pythonSnippet()}
import sys
logits = np.load(sys.argv[1])
train, validation, test = np.split(logits, [336, 384])
save_predictions(sys.argv[2], {"train": train, "validation": validation, "test": test})
`;
    const python = spawnSync(inject('mlflowPython'), ['-c', script, npy, join(dir, 'from-python')], { encoding: 'utf8' });
    expect(python.stderr).toBe('');
    expect(python.status).toBe(0);
    const fromPython = manifest({ type: 'teacher-predictions', params: { path: join(dir, 'from-python.npy') } });
    const validated = await runCli(['validate', writeManifest(fromPython)]);
    expect(validated.stdout).toMatch(/^ok: /);
    expect(validated.stderr).toContain(`its header names no dataset fingerprint, so it cannot be checked against the data it was made for; this dataset's is "${header.dataset.fingerprint}"`);
    expect(learned(await runWithWarnings(fromPython))).toEqual(learned(model));
  });

  it('is refused by distill validate when it does not fit the data, at the teacher, saying why', async () => {
    const { manifest, viaModel } = await savedTeacher();
    const dir = mkdtempSync(join(tmpdir(), 'predictions-bad-'));
    const good = join(dir, 'good.npy');
    expect((await runCli(['predict', writeManifest(viaModel), '--out', good])).code).toBe(0);
    const header = JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8'));
    const matrix = decodeNpy(readFileSync(good), 'good.npy');

    /** Writes a variant (its header and matrix changed) and returns what `distill validate` says of it. */
    const validate = async (name: string, change: { header?: (h: typeof header) => void; values?: (v: Float32Array) => Float32Array; columns?: number; npy?: Buffer }) => {
      const h = structuredClone(header);
      change.header?.(h);
      const values = change.values ? change.values(Float32Array.from(matrix.data)) : matrix.data;
      const columns = change.columns ?? matrix.columns;
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(h));
      writeFileSync(join(dir, `${name}.npy`), change.npy ?? encodeNpy(values, values.length / columns, columns));
      const file = writeManifest(manifest({ type: 'teacher-predictions', params: { path: join(dir, `${name}.npy`) } }));
      const result = await runCli(['validate', file]);
      expect(result.code, name).toBe(2);
      expect(result.stdout).toBe('');
      const prefix = `${file}:14:14: /teacher: `;
      expect(result.stderr.startsWith(prefix), result.stderr).toBe(true);
      return result.stderr.slice(prefix.length).replaceAll(`${dir}/`, '');
    };

    expect.soft(await validate('fingerprint', { header: (h) => (h.dataset.fingerprint = 'a'.repeat(64)) })).toBe(
      `fingerprint.npy: the predictions were made for dataset fingerprint aaaaaaaaaaaa…, but this dataset's is ${header.dataset.fingerprint.slice(0, 12)}… (other data, params or seed); hint: write them again for this data (distill predict), or set "dataset": { "fingerprint": "${header.dataset.fingerprint}" } if the data is the same\n`,
    );
    const threeClasses = (v: Float32Array) => v.filter((_, i) => i % 4 !== 3);
    expect.soft(await validate('classes', { header: (h) => (h.classes = 3), values: threeClasses, columns: 3 })).toBe('classes.npy: the predictions have 3 classes, but the dataset has 4\n');
    expect.soft(await validate('columns', { header: (h) => (h.classes = 3) })).toBe('columns.npy: has 4 columns, but columns.json says "classes": 3\n');
    expect.soft(await validate('counts', { header: (h) => ((h.splits[0].count = 344), (h.splits[0].ids = [...h.splits[0].ids, ...[1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]]), (h.splits[1].count = 40), (h.splits[1].ids = h.splits[1].ids.slice(8))) })).toBe(
      "counts.npy: has 344 rows for the train split, but the dataset's train split has 336 samples\n",
    );
    expect.soft(await validate('rows', { values: (v) => v.slice(0, v.length - 4 * 10) })).toBe('rows.npy: has 470 rows, but the splits of rows.json add up to 480 (train 336 + validation 48 + test 96)\n');
    expect.soft(await validate('ids', { header: (h) => ((h.splits[0].ids[7] = 9999), (h.splits[0].ids[19] = 9998)) })).toBe("ids.npy: the train split's ids lack 2 of the dataset's sample ids (7, 19)\n");
    expect.soft(await validate('duplicate', { header: (h) => (h.splits[2].ids[5] = 4) })).toBe('duplicate.json: /splits/2/ids/5: sample id 4 appears twice in split "test"\n');
    expect.soft(await validate('split', { header: (h) => (h.splits = h.splits.slice(0, 2)), values: (v) => v.slice(0, 384 * 4) })).toBe(
      'split.npy: has no rows for the test split (it lists train, validation); distill asks a teacher about train, validation and test\n',
    );
    expect.soft(await validate('nan', { values: (v) => ((v[12 * 4 + 3] = Number.NaN), v) })).toBe('nan.npy: split "train", row 12 (sample id 12), class 3: NaN is not a finite number\n');
    expect.soft(await validate('field', { header: (h) => (h.splits[1].count = '48') })).toBe('field.json: /splits/1/count: expected a whole number of rows ≥ 0, got "48"\n');
    expect.soft(await validate('probabilities', { header: (h) => (h.values = 'probabilities') })).toMatch(/^probabilities\.npy: split "train", row 0 \(sample id 0\), class \d: probability -?[\d.e-]+ is outside \[0, 1\]\n$/);
    expect.soft(await validate('truncated', { npy: readFileSync(good).subarray(0, 1000) })).toBe('truncated.npy: its header says [480, 4] float32 (7680 bytes of data), but the file has 872 bytes after the header (truncated?)\n');
  });

  it('distill predict refuses a teacher that has not been trained, and never overwrites a file that is not a predictions header', async () => {
    const untrained = await runCli(['predict', writeManifest(smallExperiment()), '--out', join(mkdtempSync(join(tmpdir(), 'p-')), 't.npy')]);
    expect(untrained.stderr).toBe('teacher "teacher" (mlp) has no trained weights, so it has nothing to predict with\n  hint: train it with distill run first, then point a "tfjs-model" teacher at the run\'s teacher/model.json\n');
    expect(untrained.code).toBe(2);
    const { viaModel } = await savedTeacher();
    const manifestFile = writeManifest(viaModel, 'experiment.json');
    const before = readFileSync(manifestFile, 'utf8');
    const clobber = await runCli(['predict', manifestFile, '--out', manifestFile.replace(/\.json$/, '.npy')]);
    expect(clobber.stderr).toMatch(/experiment\.json exists and is not a predictions header; writing the predictions would replace it\n {2}hint: choose another --out name/);
    expect(clobber.code).toBe(2);
    expect(readFileSync(manifestFile, 'utf8')).toBe(before);
  });
});

/** A run whose only stderr output is the warning about the missing fingerprint (the Python file has none). */
async function runWithWarnings(manifest: Record<string, unknown>) {
  const out = mkdtempSync(join(tmpdir(), 'predictions-'));
  const result = await runCli(['run', writeManifest(manifest), '--out', out, '--quiet', '--json']);
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout) as Summary;
  const runDir = join(out, summary.runId);
  const points = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; step: number; value: number });
  return { summary, runDir, points, tags: {} as Record<string, string> };
}
