// Refuses, before anything trains, a teacher or student with a layer the chosen backend cannot run (a frozen,
// pretrained teacher) or train (everything else): one manifest issue per layer, at the model's place in the
// manifest, naming the layer and the missing kernel. Without it such a model would fail mid-run.
import type { LoadedManifest } from '../manifest/validate-manifest.js';
import { ManifestError, type ManifestIssue } from '../manifest/manifest-error.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { describeUntrainable, findUntrainableLayers, type LayerUse } from '../backend/untrainable-layers.js';

/** A model of the run to check: where it is in the manifest, what to call it, and whether it trains or only infers. */
export interface CheckedModel {
  readonly pointer: string;
  readonly role: string;
  readonly model: DistillModel;
  readonly use: LayerUse;
}

/** Dry-runs the models' layers on the current backend; throws one ManifestError listing every layer that fails. */
export function checkModelKernels(loaded: LoadedManifest, models: readonly CheckedModel[]): void {
  const issues: ManifestIssue[] = [];
  for (const { pointer, role, model, use } of models) {
    for (const problem of findUntrainableLayers(model.model, use)) {
      const hint = problem.kernel
        ? `choose a backend that has it ("backend" in the manifest; docs/backends.md lists what each supports) or another layer type`
        : undefined;
      issues.push(loaded.issueAt(pointer, `the ${role}'s ${describeUntrainable(problem, use)}`, hint));
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
