// The `cross-entropy` loss: softmax cross-entropy with the hard labels, over the labelled samples of the batch only.
import { definePlugin, maskedCrossEntropy, type DistillLoss } from '@distill/core';
import { softmaxOnly } from './softmax-only.js';

const paramsSchema = {
  type: 'object',
  properties: {
    labelSmoothing: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'ε: the target is (1 − ε)·one-hot + ε/classes, as in PyTorch (0: plain hard labels).',
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'cross-entropy',
  description: 'Cross-entropy with the hard labels (or the mixed class distribution when mixup or cutmix mixed the batch), averaged over the labelled samples (unlabelled ones are skipped); optional label smoothing.',
  paramsSchema,
  create: (params): DistillLoss => ({
    requires: { labels: true },
    compute: ({ studentLogits, labels, labelMask, softTargets }) => maskedCrossEntropy(studentLogits, labels, labelMask, params.labelSmoothing, softTargets),
  }),
  check: async (_params, context) => softmaxOnly('cross-entropy', context, 'binary-cross-entropy'),
});
