// The `word` tokenizer: words (runs of letters and digits) and single punctuation marks, a vocabulary of the most
// frequent ones in the training texts, and fixed-length ids (0 pads, 1 is any token outside the vocabulary).
import { definePlugin, type FittedTokenizer, type Tokenizer } from '@distill/core';
import { fittedTokenizer, learnVocabulary } from './vocabulary.js';

const paramsSchema = {
  type: 'object',
  properties: {
    sequenceLength: { type: 'integer', minimum: 1, maximum: 100000, default: 128, description: 'Ids per text: the first sequenceLength tokens, padded with 0 when fewer.' },
    maxVocabulary: {
      type: 'integer',
      minimum: 1,
      default: 20000,
      description: 'Keep at most this many tokens (the most frequent in the training texts; ties by the token, in code-unit order). Ids 0 and 1 (padding, unknown) come on top.',
    },
    minCount: { type: 'integer', minimum: 1, default: 1, description: 'Keep only tokens seen at least this many times in the training texts.' },
    lowercase: { type: 'boolean', default: true, description: 'Lower-case text before splitting it.' },
    punctuation: { type: 'boolean', default: true, description: 'Keep each punctuation mark or symbol ("!", "$") as a token of its own; false drops them.' },
  },
  additionalProperties: false,
} as const;

export interface WordTokenizerParams {
  readonly sequenceLength: number;
  readonly maxVocabulary: number;
  readonly minCount: number;
  readonly lowercase: boolean;
  readonly punctuation: boolean;
}

const WORDS = /[\p{L}\p{N}]+/gu;
const WORDS_AND_MARKS = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** The tokens of one text, in order. */
export function wordTokens(text: string, params: Pick<WordTokenizerParams, 'lowercase' | 'punctuation'>): string[] {
  const source = params.lowercase ? text.toLowerCase() : text;
  return source.match(params.punctuation ? WORDS_AND_MARKS : WORDS) ?? [];
}

/** A word tokenizer over a known vocabulary (learned, or read back from `student/tokenizer.json`). */
export function fittedWordTokenizer(vocabulary: readonly string[], params: WordTokenizerParams): FittedTokenizer {
  return fittedTokenizer('word', vocabulary, (text) => wordTokens(text, params), { ...params });
}

export default definePlugin({
  kind: 'tokenizer',
  name: 'word',
  description:
    'Word-level tokenizer: runs of letters and digits (and each punctuation mark, unless punctuation is false), lower-cased by default; ' +
    'the vocabulary is the maxVocabulary most frequent tokens of the training split seen at least minCount times; ' +
    'texts become sequenceLength int32 ids, 0 padding, 1 unknown.',
  paramsSchema,
  create: (params): Tokenizer => ({
    fit: (texts) => fittedWordTokenizer(learnVocabulary(texts.map((text) => wordTokens(text, params)), params), params),
  }),
});
