// The plugin points: one container token per kind, and the type of what is bound to it (a plugin definition of that
// kind), sharing one name as every plugin point does. A package contributes plugins by binding definitions to these
// tokens (`pluginModule` does it); the registries read them back.
import type { PluginDefinition } from './plugin-definition.js';
import type { PluginKind } from './plugin-kind.js';

// Tokens are `Symbol.for` keys so a plugin built against another copy of core (a nested node_modules, sources under
// test) still meets the same token.
export const DatasetPlugin = Symbol.for('distill.DatasetPlugin');
export type DatasetPlugin = PluginDefinition<'dataset'>;
export const ModelPlugin = Symbol.for('distill.ModelPlugin');
export type ModelPlugin = PluginDefinition<'model'>;
export const TeacherPlugin = Symbol.for('distill.TeacherPlugin');
export type TeacherPlugin = PluginDefinition<'teacher'>;
export const LossPlugin = Symbol.for('distill.LossPlugin');
export type LossPlugin = PluginDefinition<'loss'>;
export const OptimizerPlugin = Symbol.for('distill.OptimizerPlugin');
export type OptimizerPlugin = PluginDefinition<'optimizer'>;
export const SchedulerPlugin = Symbol.for('distill.SchedulerPlugin');
export type SchedulerPlugin = PluginDefinition<'scheduler'>;
export const TrackerPlugin = Symbol.for('distill.TrackerPlugin');
export type TrackerPlugin = PluginDefinition<'tracker'>;
export const TokenizerPlugin = Symbol.for('distill.TokenizerPlugin');
export type TokenizerPlugin = PluginDefinition<'tokenizer'>;

export const AugmentationPlugin = Symbol.for('distill.AugmentationPlugin');
export type AugmentationPlugin = PluginDefinition<'augmentation'>;

export const PLUGIN_TOKENS: Readonly<Record<PluginKind, symbol>> = {
  dataset: DatasetPlugin,
  model: ModelPlugin,
  teacher: TeacherPlugin,
  loss: LossPlugin,
  optimizer: OptimizerPlugin,
  scheduler: SchedulerPlugin,
  tracker: TrackerPlugin,
  tokenizer: TokenizerPlugin,
  augmentation: AugmentationPlugin,
};
