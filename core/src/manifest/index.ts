// @distill/core/manifest: read a manifest, load the plugins it names, validate it (every issue placed in the file),
// apply `--set` overrides, and compose the editor schema.
export { openManifest, pluginHostForManifest, type OpenManifestOptions, type OpenedManifest } from './open-manifest.js';
export { validateManifest, type LoadedManifest, type ValidateManifestOptions } from './validate-manifest.js';
export { readManifest } from './read-manifest.js';
export { parseManifestText, type ParsedManifest } from './parse-manifest-text.js';
export { ManifestError, formatIssue, type ManifestIssue } from './manifest-error.js';
export { parseOverride, applyOverrides, tryApplyOverrides, type Override, type AppliedOverride } from './overrides.js';
export type { ResolvedExperiment, Resolved, ResolvedLossReference, ResolvedTeacherReference, ResolvedTeacherTraining, ResolvedStage } from './resolved-experiment.js';
export { checkSemantics, type SemanticChecksContext } from './check-semantics.js';
export { teacherEntries, type TeacherEntry } from './teacher-entries.js';
export { composeEditorSchema } from './compose-schema.js';
export { pluginReferences, type PluginReferenceSite } from './plugin-references.js';
export { validatedParams } from './params-validator.js';
export { createPluginHost, type PluginHostOptions } from '../plugins/create-plugin-host.js';
export { loadPluginModule, type PluginSource, type LoadedPluginModule } from '../plugins/plugin-loader.js';
export { resolvePluginPackage, type PluginPackage } from '../plugins/plugin-package.js';
export { isPluginDefinition, pluginDefinitionProblems } from '../plugins/plugin-shape.js';
export { DEFAULT_PLUGIN_PACKAGES } from '../plugins/default-plugins.js';
