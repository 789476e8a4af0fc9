// Second-pass checks only plugins can make (a layer the model lacks), reported with places like schema issues.
import type { PluginHost } from '../plugins/plugin-host.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { SemanticCheckContext } from '../plugins/semantic-check.js';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import type { LoadedManifest } from './validate-manifest.js';
import { pluginReferences, siteKind, type PluginReferenceSite } from './plugin-references.js';
import { pruningLayerIssues } from './compression-issues.js';

/** What the checks may ask for; with several teachers, `teacherNamed` gives a loss the one it names. */
export interface SemanticChecksContext extends SemanticCheckContext {
  teacherNamed?(name: string): Promise<DistillModel>;
}

/** Runs every referenced plugin's `check`; throws one ManifestError with all their issues. */
export async function checkSemantics(loaded: LoadedManifest, host: PluginHost, context: SemanticChecksContext): Promise<void> {
  const issues: ManifestIssue[] = [];
  for (const site of pluginReferences(loaded.experiment)) {
    const plugin = host.registries[siteKind(site, host.registries)].get(String(site.section.type));
    if (!plugin.check) continue;
    for (const issue of await plugin.check(site.section.params, contextFor(site, context))) {
      issues.push(loaded.issueAt(`${site.pointer}/params${issue.pointer}`, issue.message, issue.hint));
    }
  }
  const pruned = loaded.experiment.pruning?.layers;
  if (pruned) for (const issue of pruningLayerIssues(pruned, await context.student())) issues.push(loaded.issueAt(issue.pointer, issue.message, issue.hint));
  if (issues.length > 0) throw new ManifestError(issues);
}

// A loss that names its teacher is checked against that teacher.
function contextFor(site: PluginReferenceSite, context: SemanticChecksContext): SemanticCheckContext {
  const named = site.kind === 'loss' && typeof site.section.teacher === 'string' ? site.section.teacher : undefined;
  if (!named || !context.teacherNamed) return context;
  return { teacher: () => context.teacherNamed!(named), student: () => context.student(), dataset: () => context.dataset() };
}

/** True when some plugin the manifest references has a semantic check. */
export function hasSemanticChecks(loaded: LoadedManifest, host: PluginHost): boolean {
  return Boolean(loaded.experiment.pruning?.layers) || pluginReferences(loaded.experiment).some((site) => host.registries[siteKind(site, host.registries)].get(String(site.section.type)).check);
}
