import { describe, expect, it } from 'vitest';
import { withTopLevelValues } from './with-top-level-values.js';

describe('withTopLevelValues', () => {
  it('replaces values in place and keeps the rest of the text as written', () => {
    const text = '{\n  "$schema": "../schemas/x.json",\n  "name": "quickstart",\n  "student": { "type": "mlp", "params": { "hidden": [32] } }\n}\n';
    expect(withTopLevelValues(text, { $schema: '../../schemas/x.json', name: 'my-kd' })).toBe(
      '{\n  "$schema": "../../schemas/x.json",\n  "name": "my-kd",\n  "student": { "type": "mlp", "params": { "hidden": [32] } }\n}\n',
    );
  });

  it('adds missing keys first, indented like the first member; arrays on one line', () => {
    const text = '{\n    "name": "x",\n    "nested": { "name": "kept" }\n}';
    expect(withTopLevelValues(text, { $schema: 's.json', plugins: ['./a.ts', './b.ts'] })).toBe(
      '{\n    "$schema": "s.json",\n    "plugins": ["./a.ts", "./b.ts"],\n    "name": "x",\n    "nested": { "name": "kept" }\n}',
    );
    expect(JSON.parse(withTopLevelValues('{}', { $schema: 's.json' }))).toEqual({ $schema: 's.json' });
  });
});
