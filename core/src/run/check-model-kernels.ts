// Refuses, before anything trains, a teacher or student with a layer the chosen backend cannot run (a frozen,
// pretrained teacher) or train (everything else): one manifest issue per layer, at the model's place in the
// manifest, naming the layer and the missing kernel. Without it such a model would fail mid-run.
import type { LoadedManifest } from '../manifest/load-manifest.js';
import { ManifestError, type ManifestIssue } from '../manifest/manifest-error.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { describeUntrainable, findUntrainableLayers, type LayerUse } from '../backend/untrainable-layers.js';

/** Dry-runs both models' layers on the current backend; throws one ManifestError listing every layer that fails. */
export function checkModelKernels(loaded: LoadedManifest, models: { teacher: DistillModel; student: DistillModel }): void {
  const issues: ManifestIssue[] = [];
  for (const role of ['teacher', 'student'] as const) {
    const use: LayerUse = role === 'teacher' && models[role].pretrained ? 'infer' : 'train';
    for (const problem of findUntrainableLayers(models[role].model, use)) {
      const hint = problem.kernel
        ? `choose a backend that has it ("backend" in the manifest; docs/backends.md lists what each supports) or another layer type`
        : undefined;
      issues.push(loaded.issueAt(`/${role}`, `the ${role}'s ${describeUntrainable(problem, use)}`, hint));
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
