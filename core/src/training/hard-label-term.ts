// The hard-label objective of the teacher stage and the baseline: masked softmax cross-entropy on the labels.
import type { LossTerm } from './loss-term.js';
import { maskedCrossEntropy } from '../losses/masked-cross-entropy.js';

export const hardLabelTerm: LossTerm = {
  name: 'cross-entropy',
  plugin: 'distill hard-label objective',
  weight: 1,
  loss: {
    requires: { labels: true },
    compute: (inputs) => maskedCrossEntropy(inputs.studentLogits, inputs.labels, inputs.labelMask),
  },
};
