// Losses built on a softmax over the classes assume one class per sample: on a multi-label dataset (a sigmoid per
// class) they would train the wrong head, so `distill validate` refuses them there.
import type { SemanticCheckContext, SemanticIssue } from '@distill/core';

export async function softmaxOnly(loss: string, context: SemanticCheckContext, instead?: string): Promise<SemanticIssue[]> {
  const { task } = await context.dataset();
  if (task !== 'multilabel') return [];
  return [{ pointer: '', message: `${loss} is a softmax loss (one class per sample), but the dataset is multi-label`, ...(instead ? { hint: `use ${instead}` } : {}) }];
}
