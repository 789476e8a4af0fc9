import { describe, expect, it } from 'vitest';
import { typescriptLiteral } from './typescript-literal.js';

describe('typescriptLiteral', () => {
  it('writes a params schema as a plugin file does: two levels one member per line, deeper on one line', () => {
    const schema = {
      type: 'object',
      properties: { layer: { type: 'string', minLength: 1, description: "The teacher's layer." }, 'x-y': { enum: ['a', 'b'] } },
      required: ['layer'],
      additionalProperties: false,
    };
    expect(typescriptLiteral(schema)).toBe(
      [
        '{',
        "  type: 'object',",
        '  properties: {',
        '    layer: { type: \'string\', minLength: 1, description: "The teacher\'s layer." },',
        "    'x-y': { enum: ['a', 'b'] },",
        '  },',
        "  required: ['layer'],",
        '  additionalProperties: false,',
        '}',
      ].join('\n'),
    );
  });

  it('is source that evaluates back to the same value', () => {
    const value = { a: [1, 'two', { three: null }], 'b c': { d: 'e\\f\n', e: "it's", f: 'both \' and "' }, empty: {} };
    expect(new Function(`return ${typescriptLiteral(value)};`)()).toEqual(value);
  });
});
