// What one sample of a dataset looks like to the trainer: its input shape and type, its classes, and whether it has
// one class (softmax) or a target per class (sigmoid).
import type { DatasetInfo } from '../plugins/dataset-plugin.js';

export interface SampleLayout {
  readonly inputShape: readonly number[];
  readonly inputDtype: 'float32' | 'int32';
  readonly numClasses: number;
  readonly task: 'multiclass' | 'multilabel';
}

export function layoutOf(info: DatasetInfo): SampleLayout {
  return { inputShape: info.inputShape, inputDtype: info.inputDtype ?? 'float32', numClasses: info.numClasses, task: info.task ?? 'multiclass' };
}

/** Values per sample: the product of the input shape. */
export function sampleWidth(layout: Pick<SampleLayout, 'inputShape'>): number {
  return layout.inputShape.reduce((a, b) => a * b, 1);
}
