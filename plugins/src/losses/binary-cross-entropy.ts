// The `binary-cross-entropy` loss: the hard-label term of a multi-label dataset, for a sigmoid head. Each class is a
// yes/no decision: binary cross-entropy of sigmoid(logit) against the target, averaged over the classes and then
// over the labelled samples (transfer-set samples are skipped). docs/loss-conventions.md gives the definition.
import { definePlugin, maskedBinaryCrossEntropy, type DistillLoss } from '@distill/core';

const paramsSchema = { type: 'object', properties: {}, additionalProperties: false } as const;

export default definePlugin({
  kind: 'loss',
  name: 'binary-cross-entropy',
  description: 'Multi-label hard-label loss for a sigmoid head: binary cross-entropy per class against the targets, averaged over classes and labelled samples.',
  paramsSchema,
  create: (): DistillLoss => ({
    requires: { labels: true, targets: true },
    compute: ({ studentLogits, targets, labelMask }) => {
      if (!targets) throw new Error('binary-cross-entropy needs multi-label targets, which the trainer did not pass');
      return maskedBinaryCrossEntropy(studentLogits, targets, labelMask);
    },
  }),
  check: async (_params, context) => {
    const { task } = await context.dataset();
    return task === 'multilabel' ? [] : [{ pointer: '', message: 'binary-cross-entropy needs a multi-label dataset (targets per class); this dataset is multi-class', hint: 'use cross-entropy' }];
  },
});
