// The template of each plugin kind `distill init plugin` can write.
import type { PluginKind } from '../plugins/plugin-kind.js';
import type { PluginNames } from './plugin-names.js';
import type { PluginTemplate } from './templates/plugin-template.js';
import { datasetTemplate } from './templates/dataset-template.js';
import { modelTemplate } from './templates/model-template.js';
import { teacherTemplate } from './templates/teacher-template.js';
import { lossTemplate } from './templates/loss-template.js';
import { optimizerTemplate } from './templates/optimizer-template.js';
import { schedulerTemplate } from './templates/scheduler-template.js';
import { trackerTemplate } from './templates/tracker-template.js';
import { tokenizerTemplate } from './templates/tokenizer-template.js';
import { augmentationTemplate } from './templates/augmentation-template.js';

export const PLUGIN_TEMPLATES: Readonly<Record<PluginKind, (names: PluginNames) => PluginTemplate>> = {
  dataset: datasetTemplate,
  model: modelTemplate,
  teacher: teacherTemplate,
  loss: lossTemplate,
  optimizer: optimizerTemplate,
  scheduler: schedulerTemplate,
  tracker: trackerTemplate,
  tokenizer: tokenizerTemplate,
  augmentation: augmentationTemplate,
};
