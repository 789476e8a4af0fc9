// The fitted tokenizer of a text dataset, saved beside the student (`student/tokenizer.json`): the vocabulary and the
// params that encoded the training data, so the student can be given new text encoded the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKENIZER_JSON = 'tokenizer.json';

/** What is saved of a fitted tokenizer (the plugin point's `FittedTokenizer`; io imports no plugin point). */
export interface SavedTokenizer {
  readonly vocabularySize: number;
  readonly sequenceLength: number;
  state(): object;
}

/** Writes `dir/tokenizer.json`; returns its path. */
export function writeTokenizerFile(dir: string, tokenizer: SavedTokenizer): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, TOKENIZER_JSON);
  const state = tokenizer.state();
  writeFileSync(file, `${JSON.stringify({ ...state, vocabularySize: tokenizer.vocabularySize, sequenceLength: tokenizer.sequenceLength }, null, 1)}\n`);
  return file;
}
