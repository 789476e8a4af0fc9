import { describe, expect, it } from 'vitest';
import { sanitizeKey } from './sanitize-key.js';

// MLflow's own rule (mlflow/utils/validation.py): ^[/\w.\- :]*$ and posixpath.normpath(name) == name, not starting with '..' or '/'.
const mlflowAccepts = (key: string) =>
  /^[/\w.\- :]*$/u.test(key) && key !== '' && !key.startsWith('/') && !key.startsWith('..') && !key.endsWith('/')
  && !key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..') && key.length <= 250;

describe('sanitizeKey', () => {
  it('leaves valid keys alone', () => {
    for (const key of ['loss', 'losses.0.params.temperature', 'val/accuracy', 'lr step-1', 'a_b']) expect(sanitizeKey(key)).toBe(key);
  });

  it('replaces characters outside the portable set with underscores', () => {
    expect(sanitizeKey('acc@1')).toBe('acc_1');
    expect(sanitizeKey('loss:kd')).toBe('loss_kd');
    expect(sanitizeKey('größe')).toBe('gr__e');
  });

  it('makes path-like keys unique under normpath', () => {
    expect(sanitizeKey('a//b')).toBe('a/b');
    expect(sanitizeKey('/a/')).toBe('a');
    expect(sanitizeKey('a/./b')).toBe('a/_/b');
    expect(sanitizeKey('../x')).toBe('__/x');
    expect(sanitizeKey('..x')).toBe('__x');
    expect(sanitizeKey('')).toBe('_');
    expect(sanitizeKey('///')).toBe('_');
  });

  it('shortens keys over 250 characters, keeping different long keys different', () => {
    const a = sanitizeKey(`${'k'.repeat(300)}a`);
    const b = sanitizeKey(`${'k'.repeat(300)}b`);
    expect(a).toHaveLength(250);
    expect(a.startsWith('k'.repeat(241))).toBe(true);
    expect(a).not.toBe(b);
  });

  it('always yields a key MLflow accepts', () => {
    for (const key of ['a//b', '/x', 'x/', './y', '../../z', 'é/ü', 'tab\tkey', 'x'.repeat(400), 'a/../b', '.', '..', ' a ']) {
      expect(mlflowAccepts(sanitizeKey(key)), `${JSON.stringify(key)} -> ${JSON.stringify(sanitizeKey(key))}`).toBe(true);
    }
  });
});
