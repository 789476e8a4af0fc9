import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../manifest/manifest-error.js';
import { displayPath } from '../display-path.js';
import { openSweep } from './open-sweep.js';

// Core is tested with its own small plugins, not the built-ins.
const toyPlugins = join(import.meta.dirname, '../../../test/fixtures/plugins/toy-plugins.ts');
const options = { defaultPlugins: [toyPlugins] };

// Line numbers in the messages below count from the first line of this text.
const BASE = `{
  "name": "toy",
  "dataset": { "type": "digits" },
  "teacher": { "type": "mlp", "params": { "hidden": [16] } },
  "student": { "type": "mlp" },
  "losses": [
    { "type": "kl-divergence", "params": { "temperature": 2 }, "weight": 0.9 },
    { "type": "cross-entropy", "weight": 0.1 }
  ],
  "training": { "epochs": 2 },`;

function write(text: string, name = 'sweep.json', dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'))): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A manifest whose `sweep` section starts on line 11; `parameters` lines start on line 14. */
function manifest(parameters: string, extra = ''): string {
  return `${BASE}
  "sweep": {${extra}
    "method": "grid",
    "parameters": {
${parameters}
    }
  }
}
`;
}

async function errorsOf(file: string, overrides: string[] = []): Promise<string[]> {
  try {
    await openSweep(file, { ...options, overrides });
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the sweep opened');
}

describe('openSweep: a valid sweep', () => {
  it('reads the spec with its defaults and keeps the base manifest without the sweep', async () => {
    const file = write(manifest('      "losses.0.params.temperature": { "values": [1, 2, 4] },\n      "losses.0.weight,losses.1.weight": { "values": [[0.9, 0.1], [0.5, 0.5]] }'));
    const opened = await openSweep(file, options);
    expect(opened.spec).toMatchObject({ method: 'grid', metric: { name: 'student/val/accuracy', goal: 'maximize' }, seed: 42 });
    expect(opened.spec.parameters.map((p) => [p.key, p.paths])).toEqual([
      ['losses.0.params.temperature', [['losses', '0', 'params', 'temperature']]],
      ['losses.0.weight,losses.1.weight', [['losses', '0', 'weight'], ['losses', '1', 'weight']]],
    ]);
    expect(opened.base.sweep).toBeUndefined();
    expect(opened.baseFile).toBe(file);
  });

  it('reads a sweep file naming its base manifest, with sweep.… overrides on the spec and the others on the base', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-file-'));
    write(`${BASE}\n  "seed": 3\n}\n`, 'base.json', dir);
    const file = write('{ "manifest": "./base.json", "sweep": { "method": "random", "runCap": 4, "parameters": { "losses.0.params.temperature": { "distribution": "uniform", "min": 1, "max": 8 } } } }', 'sweep.json', dir);
    const opened = await openSweep(file, { ...options, overrides: ['sweep.runCap=9', 'training.epochs=5'] });
    expect(opened.spec).toMatchObject({ method: 'random', runCap: 9, seed: 3 });
    expect(opened.base.training).toMatchObject({ epochs: 5 });
    expect(opened.baseFile).toBe(join(dir, 'base.json'));
    expect(opened.specFile).toBe(file);
  });
});

describe('openSweep: every trial is validated before the first starts', () => {
  it('names a parameter path that does not exist, at the parameter\'s key', async () => {
    const file = write(manifest('      "student.params.hiden": { "values": [[8], [4]] }'));
    expect(await errorsOf(file)).toEqual([
      `${displayPath(file)}:14:7: /sweep/parameters/student.params.hiden: value [8]: the manifest has no /student/params/hiden: unknown key "hiden"; did you mean "hidden"? valid: activation, hidden`,
      `${displayPath(file)}:14:7: /sweep/parameters/student.params.hiden: value [4]: the manifest has no /student/params/hiden: unknown key "hiden"; did you mean "hidden"? valid: activation, hidden`,
    ]);
  });

  it('names a value outside the plugin\'s params schema, and an index out of range', async () => {
    const file = write(manifest('      "losses.0.params.temperature": { "values": [2, -1] },\n      "losses.5.weight": { "value": 1 }'));
    const at = displayPath(file);
    expect(await errorsOf(file)).toEqual([
      `${at}:14:7: /sweep/parameters/losses.0.params.temperature: value -1: /losses/0/params/temperature: must be > 0 (got -1)`,
      `${at}:15:7: /sweep/parameters/losses.5.weight: value 1: cannot set it: /losses/5: index 5 is out of range; losses has 2 items`,
    ]);
  });

  it('checks the ends of a random sweep\'s ranges, not only a sample', async () => {
    const file = write(manifest('      "optimizer.params.learningRate": { "distribution": "uniform", "min": -0.01, "max": 0.1 }', '\n    "runCap": 5,').replace('"grid"', '"random"'));
    expect(await errorsOf(file)).toEqual([
      `${displayPath(file)}:15:7: /sweep/parameters/optimizer.params.learningRate: value -0.01: /optimizer/params/learningRate: must be > 0 (got -0.01)`,
    ]);
  });

  it('places issues of a sweep file in the sweep file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-file-'));
    write(`${BASE}\n  "seed": 3\n}\n`, 'base.json', dir);
    const file = write('{\n  "manifest": "./base.json",\n  "sweep": {\n    "parameters": {\n      "training.epoch": { "values": [1, 2] }\n    }\n  }\n}\n', 'sweep.json', dir);
    const at = displayPath(file);
    expect(await errorsOf(file)).toEqual([
      `${at}:5:7: /sweep/parameters/training.epoch: value 1: the manifest has no /training/epoch: unknown key "epoch"; did you mean "epochs"? valid: augment, baseline, batchSize, checkpoint, earlyStopping, epochs, evalEvery, shuffle`,
      `${at}:5:7: /sweep/parameters/training.epoch: value 2: the manifest has no /training/epoch: unknown key "epoch"; did you mean "epochs"? valid: augment, baseline, batchSize, checkpoint, earlyStopping, epochs, evalEvery, shuffle`,
    ]);
  });

  it('reports a missing base manifest at the sweep file\'s "manifest" key', async () => {
    const file = write('{\n  "manifest": "./nope.json",\n  "sweep": { "parameters": { "seed": { "values": [1] } } }\n}\n');
    expect(await errorsOf(file)).toEqual([`${displayPath(file)}:2:15: /manifest: ./nope.json: no such file`]);
  });
});

describe('openSweep: spec rules beyond the schema', () => {
  it('reports each, at its place', async () => {
    const file = write(manifest(
      [
        '      "losses.0.params.temperature": { "values": [1], "distribution": "uniform" },',
        '      "optimizer.params.learningRate": { "distribution": "log_uniform", "min": 0, "max": 0.1 },',
        '      "training.epochs": { "distribution": "uniform", "min": 1, "max": 4 },',
        '      "losses.0.weight,losses.1.weight": { "values": [[0.9, 0.1], [0.5]] },',
        '      "training.batchSize": { "values": [8], "q": 2 }',
      ].join('\n'),
      '\n    "metric": { "name": "student/test/acuracy" },',
    ));
    const at = displayPath(file);
    expect(await errorsOf(file)).toEqual([
      `${at}:12:25: /sweep/metric/name: unknown metric "student/test/acuracy"; did you mean "student/test/accuracy"? valid: baseline/test/accuracy, baseline/test/agreement, baseline/test/loss, baseline/val/accuracy, baseline/val/agreement, baseline/val/loss, compression/ratio, distillation/gain, speedup/batch1, speedup/batch128, student/latency/batch128Ms, student/latency/batch1Ms, student/parameters, student/test/accuracy, student/test/agreement, student/test/loss, student/val/accuracy, student/val/agreement, student/val/loss, student/weightBytes, teacher/latency/batch128Ms, teacher/latency/batch1Ms, teacher/parameters, teacher/test/accuracy, teacher/test/loss, teacher/weightBytes; student/gzipBytes, student/zeroFraction, and with export: deployed/<m> and export/<format>/<m> for <m> in test/accuracy, test/loss, test/agreement, test/studentAgreement, accuracyDrop, weightBytes, gzipBytes, latency/batch1Ms, latency/batch128Ms`,
      `${at}:15:7: /sweep/parameters/losses.0.params.temperature: has both "values" and "distribution"; give exactly one`,
      `${at}:16:80: /sweep/parameters/optimizer.params.learningRate/min: log_uniform needs min > 0: it is uniform in log space (got min 0)`,
      `${at}:17:7: /sweep/parameters/training.epochs: grid needs a finite set of values; "uniform" is continuous (use "values", int_uniform, q_uniform, or method random or tpe)`,
      `${at}:18:67: /sweep/parameters/losses.0.weight,losses.1.weight/values/1: must be an array of 2 values, one per comma-joined path (got [0.5])`,
      `${at}:19:46: /sweep/parameters/training.batchSize/q: "q" only goes with "distribution"`,
    ]);
  });

  it('needs runCap for random and tpe, and a per-epoch metric for early termination', async () => {
    const file = write(manifest(
      '      "losses.0.params.temperature": { "distribution": "uniform", "min": 1, "max": 8 }',
      '\n    "metric": { "name": "student/test/accuracy" },\n    "earlyTerminate": { "type": "median" },',
    ).replace('"grid"', '"tpe"'));
    const at = displayPath(file);
    expect(await errorsOf(file)).toEqual([
      `${at}:11:12: /sweep: missing "runCap": method "tpe" proposes trials until it has run that many`,
      `${at}:12:25: /sweep/metric/name: earlyTerminate judges the metric after every epoch, but "student/test/accuracy" is only measured when a trial ends; hint: rank by a validation metric such as "student/val/accuracy"`,
    ]);
  });

  it('ranks a staged manifest by its stages\' validation metrics; `student/val/…` does not exist there', async () => {
    const staged = (metric: string) =>
      write(manifest('      "stages.kd.epochs": { "values": [1, 2] }', `\n    "metric": { "name": "${metric}" },`).replace('"training": { "epochs": 2 },', '"training": { "epochs": 2 }, "stages": [{ "name": "hint" }, { "name": "kd" }],'));
    const opened = await openSweep(staged('kd/val/accuracy'), options);
    expect(opened.spec.metric).toEqual({ name: 'kd/val/accuracy', goal: 'maximize' });
    const errors = await errorsOf(staged('student/val/accuracy'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\/sweep\/metric\/name: unknown metric "student\/val\/accuracy"; .*valid: .*hint\/val\/accuracy.*kd\/val\/accuracy/);
    expect(errors[0]).toMatch(/; hint: this manifest's stages are hint, kd: rank by "kd\/val\/accuracy"$/);
  });
});

