// The hard-label objective of the teacher stage and the baseline: masked softmax cross-entropy on the labels, or,
// for a multi-label dataset, masked binary cross-entropy on the targets of a sigmoid head.
import type { LossTerm } from './loss-term.js';
import { maskedCrossEntropy } from '../losses/masked-cross-entropy.js';
import { maskedBinaryCrossEntropy } from '../losses/masked-binary-cross-entropy.js';

export const hardLabelTerm: LossTerm = {
  name: 'cross-entropy',
  plugin: 'distill hard-label objective',
  weight: 1,
  teachers: [],
  loss: {
    requires: { labels: true },
    compute: (inputs) => maskedCrossEntropy(inputs.studentLogits, inputs.labels, inputs.labelMask, 0, inputs.softTargets),
  },
};

export const multiLabelTerm: LossTerm = {
  name: 'binary-cross-entropy',
  plugin: 'distill hard-label objective',
  weight: 1,
  teachers: [],
  loss: {
    requires: { labels: true, targets: true },
    compute: (inputs) => {
      if (!inputs.targets) throw new Error('the multi-label objective needs targets; the dataset gave none');
      return maskedBinaryCrossEntropy(inputs.studentLogits, inputs.targets, inputs.labelMask);
    },
  },
};

/** The hard-label term for a dataset's task. */
export function hardLabelTermFor(task: 'multiclass' | 'multilabel'): LossTerm {
  return task === 'multilabel' ? multiLabelTerm : hardLabelTerm;
}
