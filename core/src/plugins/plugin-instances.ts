// Maps each plugin kind to the instance its plugins build.
import type { Dataset } from './dataset-plugin.js';
import type { DistillModel } from './model-plugin.js';
import type { DistillLoss } from './loss-plugin.js';
import type { DistillOptimizer } from './optimizer-plugin.js';
import type { LearningRateSchedule } from './scheduler-plugin.js';
import type { Tracker } from './tracker-plugin.js';
import type { PluginKind } from './plugin-kind.js';
import { DatasetPlugin } from './dataset-plugin.js';
import { ModelPlugin } from './model-plugin.js';
import { LossPlugin } from './loss-plugin.js';
import { OptimizerPlugin } from './optimizer-plugin.js';
import { SchedulerPlugin } from './scheduler-plugin.js';
import { TrackerPlugin } from './tracker-plugin.js';

export interface PluginInstances {
  dataset: Dataset;
  model: DistillModel;
  loss: DistillLoss;
  optimizer: DistillOptimizer;
  scheduler: LearningRateSchedule;
  tracker: Tracker;
}
export type PluginInstanceOf<K extends PluginKind> = PluginInstances[K];

/**
 * The container token each kind's plugin definitions are bound to. Tokens are `Symbol.for` keys so a plugin built
 * against another copy of core (a nested node_modules, sources under test) still meets the same token.
 */
export const PLUGIN_TOKENS: Readonly<Record<PluginKind, symbol>> = {
  dataset: DatasetPlugin,
  model: ModelPlugin,
  loss: LossPlugin,
  optimizer: OptimizerPlugin,
  scheduler: SchedulerPlugin,
  tracker: TrackerPlugin,
};
