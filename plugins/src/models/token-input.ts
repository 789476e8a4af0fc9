// What the text models share: an int32 token-id input sized from the dataset, and the checks that the dataset's
// vocabulary fits the embedding and its sequence length is the one the manifest expects.
import type { BuildContext, DatasetInfo, SemanticCheckContext, SemanticIssue } from '@distill/core';
import { UserError } from '@distill/core';
import { datasetOf } from './model-building.js';

export const vocabularySizeParam = {
  type: 'integer',
  minimum: 2,
  description: "Rows of the embedding (token ids 0 … vocabularySize-1). Default: the dataset's vocabulary size; a smaller one is refused.",
} as const;

export const sequenceLengthParam = {
  type: 'integer',
  minimum: 1,
  description: "Token ids per sample the model expects; refused when the dataset's sequences have another length. Default: the dataset's.",
} as const;

/** The sequence length and vocabulary size a text model is built for. */
export function tokenInput(context: BuildContext, plugin: string, vocabularySize: number | undefined): { steps: number; vocabulary: number } {
  const dataset = datasetOf(context, plugin);
  if (dataset.inputDtype !== 'int32' || dataset.inputShape.length !== 1) {
    throw new UserError(`the ${plugin} model reads token ids (int32 inputs of shape [sequenceLength]), but the dataset gives ${dataset.inputDtype ?? 'float32'} inputs of shape [${dataset.inputShape.join(', ')}]`, {
      hint: 'use a text dataset (type "text" with a tokenizer)',
    });
  }
  const vocabulary = vocabularySize ?? dataset.vocabularySize;
  if (vocabulary === undefined) throw new UserError(`the ${plugin} model needs vocabularySize: the dataset does not say how many token ids it uses`);
  return { steps: dataset.inputShape[0], vocabulary };
}

/** A vocabulary larger than the embedding, or sequences of another length than the manifest's, at their params. */
export async function tokenInputIssues(params: { vocabularySize?: number; sequenceLength?: number }, context: SemanticCheckContext): Promise<SemanticIssue[]> {
  const dataset: DatasetInfo = await context.dataset();
  const issues: SemanticIssue[] = [];
  if (params.vocabularySize !== undefined && dataset.vocabularySize !== undefined && dataset.vocabularySize > params.vocabularySize) {
    issues.push({
      pointer: '/vocabularySize',
      message: `the dataset's vocabulary has ${dataset.vocabularySize} token ids, more than the embedding's ${params.vocabularySize} rows`,
      hint: `raise vocabularySize to ${dataset.vocabularySize} (or leave it out), or lower the tokenizer's maxVocabulary to ${params.vocabularySize - 2}`,
    });
  }
  if (params.sequenceLength !== undefined && dataset.inputShape.length === 1 && dataset.inputShape[0] !== params.sequenceLength) {
    issues.push({
      pointer: '/sequenceLength',
      message: `the dataset's sequences have ${dataset.inputShape[0]} token ids, not ${params.sequenceLength}`,
      hint: "make it the tokenizer's sequenceLength, or leave it out",
    });
  }
  return issues;
}
