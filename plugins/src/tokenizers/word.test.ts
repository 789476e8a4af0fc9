// The `word` tokenizer against vocabularies and ids worked out by hand from tiny corpora.
import { describe, expect, it } from 'vitest';
import { buildPlugin } from '@distill/core';
import plugin, { wordTokens } from './word.js';

const CORPUS = ['Win cash now!', 'win a prize, win now', 'Meeting at noon'];

describe('word tokenizer', () => {
  it('splits into words and single punctuation marks, lower-cased', () => {
    expect(wordTokens("Win $100 NOW!! it's", { lowercase: true, punctuation: true })).toEqual(['win', '$', '100', 'now', '!', '!', 'it', "'", 's']);
    expect(wordTokens('Win $100 NOW!!', { lowercase: false, punctuation: false })).toEqual(['Win', '100', 'NOW']);
    expect(wordTokens('   ', { lowercase: true, punctuation: true })).toEqual([]);
  });

  // Counts in CORPUS: win 3, now 2, then 1 each: "!" "," a at cash meeting noon prize — ties in code-unit order.
  it('learns the vocabulary by count, ties broken by the token, after padding and unknown', async () => {
    const fitted = (await buildPlugin(plugin, { sequenceLength: 6 })).fit(CORPUS);
    expect(fitted.state().vocabulary).toEqual(['', '<unk>', 'win', 'now', '!', ',', 'a', 'at', 'cash', 'meeting', 'noon', 'prize']);
    expect(fitted.vocabularySize).toBe(12);
    expect(fitted.sequenceLength).toBe(6);
  });

  it('encodes to sequenceLength ids: unknown tokens 1, padding 0, long texts cut', async () => {
    const fitted = (await buildPlugin(plugin, { sequenceLength: 6 })).fit(CORPUS);
    expect(Array.from(fitted.encode('WIN free cash'))).toEqual([2, 1, 8, 0, 0, 0]);
    expect(Array.from(fitted.encode('win win win now now now now'))).toEqual([2, 2, 2, 3, 3, 3]);
    expect(Array.from(fitted.encode(''))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  // Case kept, marks dropped: now 2, win 2 ("Win" is another token), then 1 each; upper-case sorts first.
  it('caps the vocabulary with maxVocabulary and minCount, and keeps case when asked', async () => {
    const capped = (await buildPlugin(plugin, { maxVocabulary: 3 })).fit(CORPUS);
    expect(capped.state().vocabulary).toEqual(['', '<unk>', 'win', 'now', '!']);
    const frequent = (await buildPlugin(plugin, { minCount: 2 })).fit(CORPUS);
    expect(frequent.state().vocabulary).toEqual(['', '<unk>', 'win', 'now']);
    const cased = (await buildPlugin(plugin, { lowercase: false, punctuation: false, sequenceLength: 3 })).fit(CORPUS);
    expect(cased.state().vocabulary).toEqual(['', '<unk>', 'now', 'win', 'Meeting', 'Win', 'a', 'at', 'cash', 'noon', 'prize']);
    expect(Array.from(cased.encode('Win win WIN'))).toEqual([5, 3, 1]);
  });

  it('learns the same vocabulary from the same texts in any order (deterministic)', async () => {
    const tokenizer = await buildPlugin(plugin, {});
    const forward = tokenizer.fit(CORPUS).state().vocabulary;
    expect(tokenizer.fit([...CORPUS].reverse()).state().vocabulary).toEqual(forward);
  });

  it('saves its params and vocabulary: a state that encodes new text as the original does', async () => {
    const fitted = (await buildPlugin(plugin, { sequenceLength: 4, minCount: 2 })).fit(CORPUS);
    const state = JSON.parse(JSON.stringify(fitted.state()));
    expect(state).toEqual({ type: 'word', params: { sequenceLength: 4, maxVocabulary: 20000, minCount: 2, lowercase: true, punctuation: true }, vocabulary: ['', '<unk>', 'win', 'now'] });
  });
});
