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
export { checkModelContract } from './plugins/model-contract.js';
export { isPluginDefinition, pluginDefinitionProblems } from './plugins/plugin-shape.js';
export { resolvePluginPackage, type PluginPackage } from './plugins/plugin-package.js';
export { buildPlugin } from './testing/build-plugin.js';
export * from './schedules/scheduled-number.js';
export * from './io/model-files.js';
export * from './backend/select-backend.js';
export * from './backend/wasm-matmul-fix.js';
export * from './errors.js';
export type * from './manifest/generated/experiment.js';
// Manifests: load, validate (with placed issues), override, resolve plugins, compose the editor schema.
export { loadManifest, validateManifest, type LoadedManifest, type LoadManifestOptions } from './manifest/load-manifest.js';
export { openManifest, pluginHostForManifest, declaredPlugins, type OpenManifestOptions, type OpenedManifest } from './manifest/open-manifest.js';
export { readManifest } from './manifest/read-manifest.js';
export { parseManifestText, type ParsedManifest } from './manifest/parse-manifest-text.js';
export { ManifestError, formatIssue, type ManifestIssue } from './manifest/manifest-error.js';
export { parseOverride, applyOverrides, tryApplyOverrides, type Override, type AppliedOverride } from './manifest/overrides.js';
export type { ResolvedExperiment, Resolved, ResolvedLossReference, ResolvedTeacherReference, ResolvedTeacherTraining } from './manifest/resolved-experiment.js';
export { checkSemantics } from './manifest/check-semantics.js';
export { createSemanticContext, type SemanticContext } from './manifest/semantic-context.js';
export { composeEditorSchema } from './manifest/compose-schema.js';
export { pluginReferences, type PluginReferenceSite } from './manifest/plugin-references.js';
export { createPluginHost, type PluginHostOptions } from './plugins/create-plugin-host.js';
export { loadPluginModule, type PluginSource, type LoadedPluginModule } from './plugins/plugin-loader.js';
export { DEFAULT_PLUGIN_PACKAGES } from './plugins/default-plugins.js';
export { distillVersion } from './version.js';
// One copy of inversify for every plugin: plugins import it from here.
export { inject, injectable, ContainerModule, Container } from 'inversify';
export { seededRandom, shuffledIndices, deriveSeed, type SeededRandom } from './random/seeded-random.js';
export { maskedCrossEntropy } from './losses/masked-cross-entropy.js';
export * from './tracking/mlflow/index.js';
// Hyperparameter sweeps: spec, proposals, early termination, the coordinator and its trial executors.
export * from './sweep/index.js';
// Running experiments from code (what `distill run` does).
export { runExperiment, type RunRequest, type RunOutcome } from './run/run-experiment.js';
export type { RunSummary } from './run/run-summary.js';
export { createRunLog, type RunLog } from './run/run-logger.js';
export { createProgressReporter, type ProgressReporter } from './run/progress-reporter.js';
export { TeacherCache } from './run/teacher-cache.js';
