// Maps each plugin kind to the instance its plugins build.
import type { Dataset } from './dataset-plugin.js';
import type { DistillModel } from './model-plugin.js';
import type { DistillLoss } from './loss-plugin.js';
import type { TeacherSource } from './teacher-source.js';
import type { DistillOptimizer } from './optimizer-plugin.js';
import type { LearningRateSchedule } from './scheduler-plugin.js';
import type { Tracker } from './tracker-plugin.js';
import type { Tokenizer } from './tokenizer-plugin.js';
import type { Augmentation } from './augmentation-plugin.js';
import type { PluginKind } from './plugin-kind.js';

export interface PluginInstances {
  dataset: Dataset;
  model: DistillModel;
  teacher: TeacherSource;
  loss: DistillLoss;
  optimizer: DistillOptimizer;
  scheduler: LearningRateSchedule;
  tracker: Tracker;
  tokenizer: Tokenizer;
  augmentation: Augmentation;
}
export type PluginInstanceOf<K extends PluginKind> = PluginInstances[K];

