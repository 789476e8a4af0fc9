// The `char-ngram` tokenizer: each word as its character n-grams with boundary marks ("<cat>" → "<ca", "cat", "at>"),
// as fastText represents words, so misspelt and unseen words still share most of their tokens with known ones.
import { definePlugin, type FittedTokenizer, type Tokenizer } from '@distill/core';
import { fittedTokenizer, learnVocabulary } from './vocabulary.js';

const paramsSchema = {
  type: 'object',
  properties: {
    minN: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Shortest n-gram, in characters (the boundary marks < and > count).' },
    maxN: { type: 'integer', minimum: 1, maximum: 10, default: 4, description: 'Longest n-gram, in characters; at least minN.' },
    sequenceLength: { type: 'integer', minimum: 1, maximum: 100000, default: 256, description: 'Ids per text: the first sequenceLength n-grams, padded with 0 when fewer.' },
    maxVocabulary: { type: 'integer', minimum: 1, default: 20000, description: 'Keep at most this many n-grams (the most frequent in the training texts; ties by the n-gram). Ids 0 and 1 come on top.' },
    minCount: { type: 'integer', minimum: 1, default: 2, description: 'Keep only n-grams seen at least this many times in the training texts.' },
    lowercase: { type: 'boolean', default: true, description: 'Lower-case text before splitting it into words.' },
  },
  additionalProperties: false,
} as const;

export interface CharNgramParams {
  readonly minN: number;
  readonly maxN: number;
  readonly sequenceLength: number;
  readonly maxVocabulary: number;
  readonly minCount: number;
  readonly lowercase: boolean;
}

const WORDS = /[\p{L}\p{N}]+/gu;

/** The n-grams of a text: word by word, for each start position the n-grams from minN to maxN characters. */
export function charNgrams(text: string, params: Pick<CharNgramParams, 'minN' | 'maxN' | 'lowercase'>): string[] {
  const words = (params.lowercase ? text.toLowerCase() : text).match(WORDS) ?? [];
  const grams: string[] = [];
  for (const word of words) {
    const marked = [...`<${word}>`];
    if (marked.length <= params.minN) {
      grams.push(marked.join(''));
      continue;
    }
    for (let start = 0; start + params.minN <= marked.length; start++) {
      for (let n = params.minN; n <= params.maxN && start + n <= marked.length; n++) grams.push(marked.slice(start, start + n).join(''));
    }
  }
  return grams;
}

export function fittedCharNgramTokenizer(vocabulary: readonly string[], params: CharNgramParams): FittedTokenizer {
  return fittedTokenizer('char-ngram', vocabulary, (text) => charNgrams(text, params), { ...params });
}

export default definePlugin({
  kind: 'tokenizer',
  name: 'char-ngram',
  description:
    'Subword tokenizer: each word (a run of letters and digits, lower-cased by default) as its character n-grams of minN to maxN characters ' +
    'with boundary marks, as fastText does; vocabulary of the most frequent n-grams of the training split; sequenceLength int32 ids, 0 padding, 1 unknown.',
  paramsSchema,
  create: (params): Tokenizer => {
    const maxN = Math.max(params.minN, params.maxN);
    const settings = { ...params, maxN };
    return { fit: (texts) => fittedCharNgramTokenizer(learnVocabulary(texts.map((text) => charNgrams(text, settings)), settings), settings) };
  },
  check: (params) => (params.maxN < params.minN ? [{ pointer: '/maxN', message: `maxN ${params.maxN} is below minN ${params.minN}`, hint: `make maxN at least ${params.minN}` }] : []),
});
