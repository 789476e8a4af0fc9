// `distill init plugin --kind tokenizer`: a character-level tokenizer, and a test of its vocabulary and encoding.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function tokenizerTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` tokenizer: one token per character; the vocabulary is the characters of the training texts, most
// frequent first. Scaffolded by \`distill init plugin --kind tokenizer\`.
import { definePlugin, PAD_ID, UNKNOWN_ID, type FittedTokenizer, type Tokenizer } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    sequenceLength: { type: 'integer', minimum: 1, default: 256, description: 'Ids per text: longer texts are cut, shorter ones padded with 0.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'tokenizer',
  name: '${n.name}',
  description: 'One token per character; the vocabulary is learned from the training texts.',
  paramsSchema,
  create: (params): Tokenizer => ({
    fit: (texts): FittedTokenizer => {
      const counts = new Map<string, number>();
      for (const text of texts) for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
      // Ties broken by the character itself: the same texts give the same vocabulary in any order.
      const chars = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([char]) => char);
      const vocabulary = ['', '<unk>', ...chars];
      const ids = new Map(chars.map((char, i) => [char, i + 2]));
      return {
        vocabularySize: vocabulary.length,
        sequenceLength: params.sequenceLength,
        encode: (text) => {
          const out = new Int32Array(params.sequenceLength).fill(PAD_ID);
          [...text].slice(0, params.sequenceLength).forEach((char, i) => (out[i] = ids.get(char) ?? UNKNOWN_ID));
          return out;
        },
        state: () => ({ type: '${n.name}', params, vocabulary }),
      };
    },
  }),
});
`;
  const test = `// Tests of the \`${n.name}\` tokenizer: the vocabulary it learns and the ids it gives.
import { describe, expect, it } from 'vitest';
import { buildPlugin } from '@distill/core';
import plugin from './${n.name}.js';

describe('${n.name} tokenizer', () => {
  it('numbers characters by frequency after padding (0) and unknown (1), and pads to sequenceLength', async () => {
    const tokenizer = await buildPlugin(plugin, { sequenceLength: 5 });
    const fitted = tokenizer.fit(['abb', 'b']);
    expect(fitted.state().vocabulary).toEqual(['', '<unk>', 'b', 'a']);
    expect(Array.from(fitted.encode('abz'))).toEqual([3, 2, 1, 0, 0]);
    expect(Array.from(fitted.encode('bbbbbbb'))).toEqual([2, 2, 2, 2, 2]);
  });
});
`;
  return { plugin, test, usage: `"dataset": { "type": "text", "params": { "path": "data.jsonl" }, "tokenizer": { "type": "${n.name}" } }` };
}
