// @distill/core: the plugin-author API — plugin points, `definePlugin`, the types a plugin builds and receives, and
// what a plugin's tests need. Embedders find the rest under subpaths: `@distill/core/manifest` (open and validate
// manifests), `@distill/core/run` (run experiments), `@distill/core/sweep`, `@distill/core/tracking` (the run journal,
// MLflow client) and `@distill/core/backend`.
export * from './plugins/plugin-kind.js';
export * from './plugins/json-schema.js';
export * from './plugins/plugin-definition.js';
export * from './plugins/define-plugin.js';
export * from './plugins/build-context.js';
export * from './plugins/run-services.js';
export * from './plugins/dataset-plugin.js';
export * from './plugins/model-plugin.js';
export * from './plugins/loss-plugin.js';
export * from './plugins/teacher-source.js';
export { flattenFeatures } from './plugins/flatten-features.js';
export * from './plugins/optimizer-plugin.js';
export * from './plugins/scheduler-plugin.js';
export * from './plugins/augmentation-plugin.js';
export * from './plugins/tracker-plugin.js';
export * from './plugins/tokenizer-plugin.js';
export * from './plugins/plugin-instances.js';
export * from './plugins/plugin-tokens.js';
export * from './plugins/semantic-check.js';
export * from './plugins/plugin-registry.js';
export * from './plugins/plugin-module.js';
export * from './plugins/plugin-host.js';
export * from './plugins/did-you-mean.js';
export { checkModelContract } from './plugins/model-contract.js';
export { lookupLayer, requireLayer, withLayerShapes, type MissingLayer } from './plugins/model-layers.js';
export { inMemorySource, sourceOf } from './data/in-memory-source.js';
export { buildPlugin, validatedParams } from './testing/build-plugin.js';
export { lossInputs } from './testing/loss-inputs.js';
export { lossesOnBatch, trainingLosses } from './testing/training-losses.js';
export * from './schedules/scheduled-number.js';
export * from './io/model-files.js';
export { encodeNpy, decodeNpy, type NpyMatrix } from './io/npy.js';
export * from './io/teacher-predictions-file.js';
export { initBackend, BACKEND_NAMES, type BackendName, type BackendChoice } from './backend/select-backend.js';
export * from './errors.js';
export { displayPath } from './display-path.js';
export { redactUrl, secretQueryValues } from './secrets/redact.js';
export type * from './manifest/generated/experiment.js';
export { distillVersion } from './version.js';
// One copy of inversify for every plugin: plugins import it from here.
export { inject, injectable, ContainerModule, Container } from 'inversify';
export { seededRandom, shuffledIndices, deriveSeed, type SeededRandom } from './random/seeded-random.js';
export { maskedCrossEntropy } from './losses/masked-cross-entropy.js';
export { maskedBinaryCrossEntropy } from './losses/masked-binary-cross-entropy.js';
