import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest-error.js';
import { applyOverrides, parseOverride, tryApplyOverrides } from './overrides.js';

const manifest = { name: 'x', losses: [{ type: 'kl-divergence', params: { temperature: 4 } }, { type: 'cross-entropy' }], training: { epochs: 3 }, tracking: null };

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ManifestError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('parseOverride', () => {
  it('splits a dotted path with array indices and parses the value as JSON', () => {
    expect(parseOverride('losses.0.params.temperature=8')).toEqual({ text: 'losses.0.params.temperature=8', path: ['losses', '0', 'params', 'temperature'], value: 8 });
    expect(parseOverride('training.baseline=false').value).toBe(false);
    expect(parseOverride('student.params.hidden=[64,32]').value).toEqual([64, 32]);
    expect(parseOverride('tracking={"type":"mlflow"}').value).toEqual({ type: 'mlflow' });
    expect(parseOverride('description=null').value).toBeNull();
  });

  it('keeps a value that is not JSON as a string, and splits at the first "="', () => {
    expect(parseOverride('backend=wasm').value).toBe('wasm');
    expect(parseOverride('description=a=b').value).toBe('a=b');
    expect(parseOverride('description=').value).toBe('');
    expect(parseOverride('name="quoted"').value).toBe('quoted');
  });

  it('names the flag when it is not path=value', () => {
    expect(errorOf(() => parseOverride('training.epochs'))).toBe('--set training.epochs: expected <path>=<value>, e.g. --set training.epochs=3');
    expect(errorOf(() => parseOverride('losses..weight=1'))).toBe(
      '--set losses..weight=1: "losses..weight" is not a path; use dotted keys and indices, e.g. losses.0.params.temperature',
    );
    expect(errorOf(() => parseOverride('=3'))).toBe('--set =3: "" is not a path; use dotted keys and indices, e.g. losses.0.params.temperature');
  });
});

describe('applyOverrides', () => {
  it('returns a copy with the values set, creating missing objects on the way', () => {
    const result = applyOverrides(manifest, ['losses.0.params.temperature=8', 'losses.1.params.labelSmoothing=0.1', 'optimizer.params.learningRate=0.01']);
    expect(result.losses[0].params.temperature).toBe(8);
    expect(result.losses[1]).toEqual({ type: 'cross-entropy', params: { labelSmoothing: 0.1 } });
    expect((result as Record<string, unknown>).optimizer).toEqual({ params: { learningRate: 0.01 } });
    expect(manifest.losses[0].params.temperature).toBe(4);
  });

  it('replaces a whole section or array element', () => {
    expect(applyOverrides(manifest, ['losses.1={"type":"hint"}']).losses[1]).toEqual({ type: 'hint' });
  });

  it('the later of two flags on one path wins', () => {
    expect(applyOverrides(manifest, ['training.epochs=5', 'training.epochs=7']).training.epochs).toBe(7);
  });

  it('an index out of range on an existing array is an error naming the flag', () => {
    expect(errorOf(() => applyOverrides(manifest, ['losses.2.weight=1']))).toBe('--set losses.2.weight=1: /losses/2: index 2 is out of range; losses has 2 items');
  });

  it('a key that is not an index on an array is an error', () => {
    expect(errorOf(() => applyOverrides(manifest, ['losses.first.weight=1']))).toBe('--set losses.first.weight=1: /losses: is an array; "first" is not an index');
  });

  it('descending into a scalar or null is an error naming what is there', () => {
    expect(errorOf(() => applyOverrides(manifest, ['training.epochs.value=1']))).toBe('--set training.epochs.value=1: /training/epochs: is number 3; cannot set "value" inside it');
    expect(errorOf(() => applyOverrides(manifest, ['name.first=1']))).toBe('--set name.first=1: /name: is string "x"; cannot set "first" inside it');
    expect(errorOf(() => applyOverrides(manifest, ['tracking.type=local']))).toBe('--set tracking.type=local: /tracking: is null; cannot set "type" inside it');
  });

  it('reports every bad flag at once and applies the good ones', () => {
    const { value, applied, issues } = tryApplyOverrides(manifest, ['losses.5.weight=1', 'training.epochs=9', 'nonsense']);
    expect(value.training.epochs).toBe(9);
    expect(applied).toEqual([{ flag: '--set training.epochs=9', pointer: '/training/epochs' }]);
    expect(issues.map((issue) => issue.file)).toEqual(['--set losses.5.weight=1', '--set nonsense']);
  });

  it('escapes keys that contain "/" or "~" in the pointer it records', () => {
    const { applied } = tryApplyOverrides({ sweep: { parameters: {} } }, ['sweep.parameters.a/b~c={"values":[1]}']);
    expect(applied[0].pointer).toBe('/sweep/parameters/a~1b~0c');
  });

  it('a segment that is not a number selects the array element of that name, and records the index it resolved to', () => {
    const staged = { stages: [{ name: 'hint', epochs: 2 }, { name: 'kd' }], losses: [{ type: 'kl-divergence', name: 'soft' }] };
    const { value, applied, issues } = tryApplyOverrides(staged, ['stages.kd.epochs=3', 'losses.soft.weight=0.5']);
    expect(issues).toEqual([]);
    expect(value.stages[1]).toEqual({ name: 'kd', epochs: 3 });
    expect(value.losses[0]).toEqual({ type: 'kl-divergence', name: 'soft', weight: 0.5 });
    expect(applied.map((a) => a.pointer)).toEqual(['/stages/1/epochs', '/losses/0/weight']);
  });

  it('an unknown element name is an error listing the names, with the nearest one', () => {
    const staged = { stages: [{ name: 'hint' }, { name: 'kd' }] };
    expect(errorOf(() => applyOverrides(staged, ['stages.hnit.epochs=3']))).toBe('--set stages.hnit.epochs=3: /stages: has no element named "hnit"; did you mean "hint"? valid: hint, kd');
    expect(errorOf(() => applyOverrides(staged, ['stages.warmup.epochs=3']))).toBe('--set stages.warmup.epochs=3: /stages: has no element named "warmup"; valid: hint, kd');
  });
});
