import { describe, expect, it } from 'vitest';
import { PluginHost } from '../plugins/plugin-host.js';
import { ManifestError } from './manifest-error.js';
import { parseManifestText } from './parse-manifest-text.js';
import { validateManifest } from './validate-manifest.js';
// Core is tested with its own small plugins (test/fixtures/plugins/toy-plugins.ts), not the built-ins.
import toyPlugins from '../../../test/fixtures/plugins/toy-plugins.js';

const host = PluginHost.create([toyPlugins]);

const VALID = `{
  "name": "toy",
  "dataset": { "type": "digits" },
  "teacher": { "type": "mlp", "params": { "hidden": [16] } },
  "student": { "type": "mlp" },
  "losses": [
    { "type": "kl-divergence", "params": { "temperature": 2 }, "weight": 0.9 },
    { "type": "cross-entropy", "weight": 0.1 }
  ],
  "training": { "epochs": 2 }
}`;

function load(text: string, overrides: string[] = []) {
  return validateManifest(parseManifestText(text, 'x.json'), { host, overrides });
}

/** The error lines for a manifest that must be invalid. */
function errorsOf(text: string, overrides: string[] = []): string[] {
  try {
    load(text, overrides);
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the manifest validated');
}

/** VALID with one line replaced (line numbers stay as in VALID). */
function withLine(line: number, text: string): string {
  const lines = VALID.split('\n');
  lines[line - 1] = text;
  return lines.join('\n');
}

describe('validateManifest: a valid manifest', () => {
  it('fills in every default, including each plugin\'s params and the teacher stage', () => {
    const { experiment } = load(VALID);
    expect(experiment).toMatchObject({
      description: '',
      seed: 42,
      backend: 'auto',
      plugins: [],
      dataset: { type: 'digits', params: { samples: 6 } },
      teacher: {
        type: 'mlp',
        params: { hidden: [16], activation: 'relu' },
        train: { epochs: 5, batchSize: 64, optimizer: { type: 'adam', params: { learningRate: 0.001 } }, scheduler: { type: 'constant', params: {} } },
      },
      student: { type: 'mlp', params: { hidden: [8], activation: 'relu' } },
      losses: [
        { type: 'kl-divergence', params: { temperature: 2 }, weight: 0.9 },
        { type: 'cross-entropy', params: {}, weight: 0.1 },
      ],
      optimizer: { type: 'adam', params: { learningRate: 0.001 } },
      scheduler: { type: 'constant', params: {} },
      tracking: { type: 'local', params: {} },
      training: { epochs: 2, batchSize: 64, shuffle: true, evalEvery: 1, baseline: true },
    });
  });

  it('fills a loss weight and a param default that are not written', () => {
    const { experiment } = load(withLine(8, '    { "type": "kl-divergence" }'));
    expect(experiment.losses[1]).toEqual({ type: 'kl-divergence', params: { temperature: 4 }, weight: 1 });
  });

  it('locates values by JSON pointer, falling back to the nearest written ancestor', () => {
    const loaded = load(VALID);
    expect(loaded.locate('/losses/0/params/temperature')).toEqual({ line: 7, column: 59 });
    expect(loaded.locate('/student/params/hidden')).toEqual({ line: 5, column: 14 });
    expect(loaded.file).toBe('x.json');
  });
});

describe('validateManifest: each class of error, with its exact message and place', () => {
  it('wrong type: says what was expected and what was found', () => {
    expect(errorsOf(withLine(10, '  "training": { "epochs": "abc" }'))).toEqual(['x.json:10:27: /training/epochs: must be integer (got string "abc")']);
    expect(errorsOf(withLine(10, '  "training": { "epochs": 1.5 }'))).toEqual(['x.json:10:27: /training/epochs: must be integer (got number 1.5)']);
    expect(errorsOf(withLine(5, '  "student": "mlp",'))).toEqual(['x.json:5:14: /student: must be object (got string "mlp")']);
  });

  it('wrong type inside plugin params', () => {
    const text = withLine(10, '  "training": { "epochs": 2 }, "optimizer": { "type": "adam", "params": { "learningRate": "abc" } }');
    expect(errorsOf(text)).toEqual(['x.json:10:91: /optimizer/params/learningRate: must be number (got string "abc")']);
  });

  it('bounds: in the schema and in plugin params', () => {
    expect(errorsOf(withLine(7, '    { "type": "kl-divergence", "params": { "temperature": -1 }, "weight": 0.9 },'))).toEqual([
      'x.json:7:59: /losses/0/params/temperature: must be > 0 (got -1)',
    ]);
    expect(errorsOf(withLine(10, '  "training": { "epochs": 0 }'))).toEqual(['x.json:10:27: /training/epochs: must be >= 1 (got 0)']);
  });

  it('unknown key: placed at the key, with the nearest valid key', () => {
    expect(errorsOf(withLine(7, '    { "type": "kl-divergence", "params": { "temprature": 2 }, "weight": 0.9 },'))).toEqual([
      'x.json:7:44: /losses/0/params/temprature: unknown key "temprature"; did you mean "temperature"? valid: temperature',
    ]);
    expect(errorsOf(withLine(10, '  "training": { "epochs": 2, "shufle": false }'))).toEqual([
      'x.json:10:30: /training/shufle: unknown key "shufle"; did you mean "shuffle"? valid: augment, baseline, batchSize, checkpoint, earlyStopping, epochs, evalEvery, shuffle',
    ]);
    expect(errorsOf(withLine(8, '    { "type": "cross-entropy", "params": { "smoothing": 0.1 } }'))).toEqual([
      'x.json:8:44: /losses/1/params/smoothing: unknown key "smoothing"; no keys are allowed here',
    ]);
  });

  it('missing required key: placed at the enclosing object', () => {
    expect(errorsOf(withLine(5, ''))).toEqual(['x.json:1:1: missing required key "student"']);
    expect(errorsOf(withLine(5, '  "student": { "params": {} },'))).toEqual(['x.json:5:14: /student: missing required key "type"']);
    // params left out are filled with {} and validated, so the place is the nearest written ancestor (the loss)
    expect(errorsOf(withLine(8, '    { "type": "hint" }'))).toEqual([
      'x.json:8:5: /losses/1/params: missing required key "teacherLayer"',
      'x.json:8:5: /losses/1/params: missing required key "studentLayer"',
    ]);
  });

  it('enum: lists the allowed values', () => {
    expect(errorsOf(withLine(2, '  "name": "toy", "backend": "gpu",'))).toEqual([
      'x.json:2:29: /backend: must be one of "auto", "wasm", "cpu", "tensorflow", "tensorflow-gpu" (got "gpu")',
    ]);
  });

  it('pattern, minItems', () => {
    expect(errorsOf(withLine(2, '  "name": "my toy",'))).toEqual(['x.json:2:11: /name: must match the pattern ^[A-Za-z0-9][A-Za-z0-9._-]*$ (got "my toy")']);
    const noLosses = `{ "name": "toy", "dataset": { "type": "digits" }, "teacher": { "type": "mlp" }, "student": { "type": "mlp" },\n  "losses": [], "training": { "epochs": 1 } }`;
    expect(errorsOf(noLosses)).toEqual(['x.json:2:13: /losses: must have at least 1 item (got 0)']);
  });

  it('a number-or-schedule (oneOf) gives one clear message, not one per alternative', () => {
    expect(errorsOf(withLine(8, '    { "type": "cross-entropy", "weight": "abc" }'))).toEqual([
      'x.json:8:42: /losses/1/weight: must be number or object with "schedule", "from", "to" (got string "abc"); hint: A number, or a schedule over epochs.',
    ]);
    expect(errorsOf(withLine(7, '    { "type": "kl-divergence", "params": { "temperature": { "schedule": "step", "from": 8, "to": 1 } } },'))).toEqual([
      'x.json:7:73: /losses/0/params/temperature/schedule: must be one of "linear", "cosine" (got "step")',
    ]);
    expect(errorsOf(withLine(7, '    { "type": "kl-divergence", "params": { "temperature": { "schedule": "linear", "from": -8, "to": 1 } } },'))).toEqual([
      'x.json:7:91: /losses/0/params/temperature/from: must be > 0 (got -8)',
    ]);
    expect(errorsOf(withLine(7, '    { "type": "kl-divergence", "params": { "temperature": { "from": 8, "to": 1 } } },'))).toEqual([
      'x.json:7:59: /losses/0/params/temperature: missing required key "schedule"',
    ]);
  });

  it('unknown plugin type: suggests the nearest registered name and lists the valid ones', () => {
    expect(errorsOf(withLine(7, '    { "type": "kl-divergance", "weight": 0.9 },'))).toEqual([
      'x.json:7:15: /losses/0/type: unknown loss "kl-divergance"; did you mean "kl-divergence"? valid: cross-entropy, hint, kl-divergence',
    ]);
    expect(errorsOf(withLine(5, '  "student": { "type": "transformer" },'))).toEqual(['x.json:5:24: /student/type: unknown model "transformer"; valid: mlp']);
  });

  it('a duplicated key is an error rather than a silent overwrite', () => {
    expect(errorsOf(withLine(10, '  "training": { "epochs": 2, "epochs": 3 }'))).toEqual(['x.json:10:30: /training/epochs: duplicate key "epochs"; the earlier value would be ignored']);
  });

  it('reports every error of both passes at once, in source order', () => {
    const text = `{
  "name": "toy",
  "backend": "gpu",
  "dataset": { "type": "digits" },
  "teacher": { "type": "mpl", "params": { "hidden": [16] } },
  "losses": [
    { "type": "kl-divergence", "params": { "temperature": -1 }, "weight": 0.9 },
    { "type": "kl-divergance", "weight": "abc" },
    { "type": "kl-divergence", "params": { "temprature": 2 } }
  ],
  "optimizer": { "type": "adam", "params": { "learningRate": "abc" } },
  "training": { "epochs": 2 }
}`;
    expect(errorsOf(text)).toEqual([
      'x.json:1:1: missing required key "student"',
      'x.json:3:14: /backend: must be one of "auto", "wasm", "cpu", "tensorflow", "tensorflow-gpu" (got "gpu")',
      'x.json:5:24: /teacher/type: unknown model "mpl"; did you mean "mlp"? valid: mlp',
      'x.json:7:59: /losses/0/params/temperature: must be > 0 (got -1)',
      'x.json:8:15: /losses/1/type: unknown loss "kl-divergance"; did you mean "kl-divergence"? valid: cross-entropy, hint, kl-divergence',
      'x.json:8:42: /losses/1/weight: must be number or object with "schedule", "from", "to" (got string "abc"); hint: A number, or a schedule over epochs.',
      'x.json:9:44: /losses/2/params/temprature: unknown key "temprature"; did you mean "temperature"? valid: temperature',
      'x.json:11:62: /optimizer/params/learningRate: must be number (got string "abc")',
    ]);
  });

  it('the error carries the issues as values, and exits with code 2', () => {
    try {
      load(withLine(10, '  "training": { "epochs": 0 }'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).exitCode).toBe(2);
      expect((error as ManifestError).issues).toEqual([{ file: 'x.json', line: 10, column: 27, pointer: '/training/epochs', message: 'must be >= 1 (got 0)' }]);
    }
  });
});

describe('validateManifest: overrides', () => {
  it('applies --set values before validation, so they are validated and defaulted like the file', () => {
    const { experiment } = load(VALID, ['losses.0.params.temperature=8', 'training.epochs=3', 'backend=wasm', 'student.params.hidden=[4,4]']);
    expect(experiment.losses[0].params).toEqual({ temperature: 8 });
    expect(experiment.training.epochs).toBe(3);
    expect(experiment.backend).toBe('wasm');
    expect(experiment.student.params).toEqual({ hidden: [4, 4], activation: 'relu' });
  });

  it('places issues in an overridden value at its --set flag, after the file\'s issues, in flag order', () => {
    const text = withLine(10, '  "training": { "epochs": 0 }');
    expect(errorsOf(text, ['losses.0.params.temperature=-3', 'training.epocs=3', 'optimizer.params.learningRate=0.1', 'losses.9.weight=1'])).toEqual([
      'x.json:10:27: /training/epochs: must be >= 1 (got 0)',
      '--set losses.0.params.temperature=-3: /losses/0/params/temperature: must be > 0 (got -3)',
      '--set training.epocs=3: /training/epocs: unknown key "epocs"; did you mean "epochs"? valid: augment, baseline, batchSize, checkpoint, earlyStopping, epochs, evalEvery, shuffle',
      // the flag created `optimizer`, so the missing type is the flag's doing
      '--set optimizer.params.learningRate=0.1: /optimizer: missing required key "type"',
      '--set losses.9.weight=1: /losses/9: index 9 is out of range; losses has 2 items',
    ]);
  });
});
