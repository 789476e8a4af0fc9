// What the built-in tokenizers share: a vocabulary counted from the training texts' tokens (most frequent first, ties
// by the token, after padding and unknown) and fixed-length encoding over it.
import { PAD_ID, UNKNOWN_ID, type FittedTokenizer } from '@distill/core';

export interface VocabularyLimits {
  readonly maxVocabulary: number;
  readonly minCount: number;
}

/** `['', '<unk>', ...tokens seen at least minCount times, by count then by token (code-unit order)]`, capped. */
export function learnVocabulary(tokenLists: Iterable<readonly string[]>, limits: VocabularyLimits): string[] {
  const counts = new Map<string, number>();
  for (const tokens of tokenLists) for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, count]) => count >= limits.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limits.maxVocabulary)
    .map(([token]) => token);
  return ['', '<unk>', ...kept];
}

/** Encodes with `tokenize` over `vocabulary`: the first sequenceLength tokens, unknown ones 1, padded with 0. */
export function fittedTokenizer(
  type: string,
  vocabulary: readonly string[],
  tokenize: (text: string) => string[],
  params: { readonly sequenceLength: number } & Record<string, unknown>,
): FittedTokenizer {
  const ids = new Map(vocabulary.map((token, id) => [token, id]));
  return {
    vocabularySize: vocabulary.length,
    sequenceLength: params.sequenceLength,
    encode: (text) => {
      const out = new Int32Array(params.sequenceLength).fill(PAD_ID);
      const tokens = tokenize(text);
      for (let i = 0; i < Math.min(tokens.length, out.length); i++) out[i] = ids.get(tokens[i]) ?? UNKNOWN_ID;
      return out;
    },
    state: () => ({ type, params: { ...params }, vocabulary: [...vocabulary] }),
  };
}
