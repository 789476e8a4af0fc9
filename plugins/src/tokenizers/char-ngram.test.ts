// The `char-ngram` tokenizer against n-grams and vocabularies worked out by hand.
import { describe, expect, it } from 'vitest';
import { buildPlugin, validatedParams } from '@distill/core';
import plugin, { charNgrams } from './char-ngram.js';

describe('char-ngram tokenizer', () => {
  it('splits each marked word into n-grams by start position, then by length', () => {
    expect(charNgrams('Hi cat!', { minN: 3, maxN: 3, lowercase: true })).toEqual(['<hi', 'hi>', '<ca', 'cat', 'at>']);
    expect(charNgrams('hi', { minN: 3, maxN: 4, lowercase: true })).toEqual(['<hi', '<hi>', 'hi>']);
    // A marked word no longer than minN is one token.
    expect(charNgrams('a I', { minN: 3, maxN: 4, lowercase: false })).toEqual(['<a>', '<I>']);
  });

  // "cat cats": <ca cat at> | <ca cat ats ts>: <ca 2, cat 2, then at> ats ts> once each (code-unit order: "<" < "a" < "t").
  it('learns the most frequent n-grams of the training texts and encodes unseen words by the n-grams they share', async () => {
    const fitted = (await buildPlugin(plugin, { minN: 3, maxN: 3, minCount: 1, sequenceLength: 5 })).fit(['cat cats']);
    expect(fitted.state().vocabulary).toEqual(['', '<unk>', '<ca', 'cat', 'at>', 'ats', 'ts>']);
    // "cart": <ca car art rt> → 2, 1, 1, 1 and padding.
    expect(Array.from(fitted.encode('cart'))).toEqual([2, 1, 1, 1, 0]);
    const frequent = (await buildPlugin(plugin, { minN: 3, maxN: 3, minCount: 2 })).fit(['cat cats']);
    expect(frequent.state().vocabulary).toEqual(['', '<unk>', '<ca', 'cat']);
  });

  it('refuses maxN below minN at /maxN', () => {
    expect(plugin.check!(validatedParams(plugin, { minN: 4, maxN: 3 }) as never, {} as never)).toEqual([
      { pointer: '/maxN', message: 'maxN 3 is below minN 4', hint: 'make maxN at least 4' },
    ]);
  });
});
