import { describe, expect, it } from 'vitest';
import { prettyJson } from './pretty-json.js';

describe('prettyJson', () => {
  it('keeps short arrays and flat objects on one line and indents the rest', () => {
    const text = prettyJson({ name: 'q', student: { type: 'mlp', params: { hidden: [32, 16] } }, losses: [{ type: 'kl', weight: 0.9 }] });
    expect(text).toBe(
      ['{', '  "name": "q",', '  "student": {', '    "type": "mlp",', '    "params": { "hidden": [32,16] }', '  },', '  "losses": [', '    { "type": "kl", "weight": 0.9 }', '  ]', '}'].join('\n').replace('[32,16]', '[32, 16]'),
    );
  });

  it('reads back as the same value', () => {
    const value = { a: [1, 'two', null, { b: [] }], commas: ['a,b', { c: 'd,e' }], flat: { list: ['x,y'] }, c: {}, d: 'x'.repeat(100), e: [{ f: { g: [true] } }] };
    expect(JSON.parse(prettyJson(value))).toEqual(value);
  });
});
