// @distill/core public API: what plugin authors and embedders import.
export * from './plugins/plugin-kind.js';
export * from './plugins/json-schema.js';
export * from './plugins/plugin-definition.js';
export * from './plugins/define-plugin.js';
export * from './plugins/build-context.js';
export * from './plugins/dataset-plugin.js';
export * from './plugins/model-plugin.js';
export * from './plugins/loss-plugin.js';
export * from './plugins/optimizer-plugin.js';
export * from './plugins/scheduler-plugin.js';
export * from './plugins/tracker-plugin.js';
export * from './plugins/plugin-instances.js';
export * from './plugins/semantic-check.js';
export * from './plugins/plugin-registry.js';
export * from './plugins/plugin-module.js';
export * from './plugins/plugin-host.js';
export * from './plugins/did-you-mean.js';
export * from './schedules/scheduled-number.js';
export * from './io/model-files.js';
export * from './errors.js';
export type * from './manifest/generated/experiment.js';
export { distillVersion } from './version.js';
// One copy of inversify for every plugin: plugins import it from here.
export { inject, injectable, ContainerModule, Container } from 'inversify';
export { seededRandom, shuffledIndices, deriveSeed, type SeededRandom } from './random/seeded-random.js';
export { maskedCrossEntropy } from './losses/masked-cross-entropy.js';
