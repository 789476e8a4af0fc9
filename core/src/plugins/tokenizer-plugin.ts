// Tokenizer plugin point: how a text dataset turns text into fixed-length int32 token ids. A tokenizer learns its
// vocabulary from the training split only (`fit`), then encodes every split with it; the fitted vocabulary is saved
// with the student (`student/tokenizer.json`) so the student can be used on new text.

/** Token id 0 pads a sequence: a model's mask is `ids != PAD_ID`. */
export const PAD_ID = 0;
/** Token id 1 stands for every token outside the vocabulary. */
export const UNKNOWN_ID = 1;

/** What a tokenizer saves: enough to encode new text exactly as the training data was encoded. */
export interface TokenizerState {
  /** The tokenizer plugin's name. */
  readonly type: string;
  /** Its validated params (lower-casing, sequence length, …). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The vocabulary, by id: `vocabulary[id]` is the token of `id` (`""` for padding, `"<unk>"` for unknown). */
  readonly vocabulary: readonly string[];
}

/** A tokenizer with its vocabulary: encodes any text the same way, every time. */
export interface FittedTokenizer {
  /** Ids run from 0 to `vocabularySize - 1`, padding and unknown included. */
  readonly vocabularySize: number;
  /** Every encoded text has exactly this many ids (truncated, or padded with `PAD_ID`). */
  readonly sequenceLength: number;
  encode(text: string): Int32Array;
  /** What `student/tokenizer.json` holds. */
  state(): TokenizerState;
}

/** What a `tokenizer` plugin builds: learns a vocabulary from training texts, deterministically. */
export interface Tokenizer {
  fit(trainingTexts: readonly string[]): FittedTokenizer;
}
