// Checks of the manifest's `pruning` section that its schema cannot make: a schedule that fits the student stage, and
// (once the student is built) layers that exist and have a kernel to prune.
import type { PointerIssue } from './schema-issues.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { suggestion } from '../plugins/did-you-mean.js';

interface PruningSection {
  readonly initialSparsity?: number;
  readonly finalSparsity: number;
  readonly startEpoch?: number;
  readonly endEpoch?: number;
  readonly layers?: readonly string[];
}

/** Issues of a schema-valid manifest's `pruning` schedule (pointers from the manifest's root). */
export function pruningScheduleIssues(manifest: { readonly pruning?: PruningSection; readonly training?: { readonly epochs?: number } }): PointerIssue[] {
  const pruning = manifest.pruning;
  const epochs = manifest.training?.epochs;
  if (!pruning || epochs === undefined) return [];
  const issues: PointerIssue[] = [];
  const start = pruning.startEpoch ?? 0;
  const end = pruning.endEpoch ?? (epochs > 1 ? epochs - 1 : epochs);
  if (pruning.endEpoch !== undefined && pruning.endEpoch > epochs) {
    issues.push({ pointer: '/pruning/endEpoch', message: `must be at most training.epochs (${epochs}): the student stage ends there (got ${pruning.endEpoch})` });
  } else if (start >= end) {
    issues.push({
      pointer: '/pruning/startEpoch',
      message: `must be before endEpoch (${end}${pruning.endEpoch === undefined ? ', one epoch before the end of training' : ''}) (got ${start})`,
      hint: 'prune between startEpoch and endEpoch; the epochs after endEpoch fine-tune the pruned student',
    });
  }
  if ((pruning.initialSparsity ?? 0) > pruning.finalSparsity) {
    issues.push({ pointer: '/pruning/initialSparsity', message: `must not exceed finalSparsity (${pruning.finalSparsity}): pruning only removes weights (got ${pruning.initialSparsity})` });
  }
  return issues;
}

/** Pruned layers the student lacks or that have no kernel (pointers from the manifest's root). */
export function pruningLayerIssues(layers: readonly string[] | undefined, student: DistillModel): PointerIssue[] {
  if (!layers) return [];
  const withKernel = student.model.layers.filter((l) => l.weights.some((w) => /(^|\/)kernel$/.test(w.originalName))).map((l) => l.name);
  const all = student.model.layers.map((l) => l.name);
  return layers.flatMap((name, i): PointerIssue[] => {
    if (withKernel.includes(name)) return [];
    const message = all.includes(name)
      ? `layer "${name}" has no kernel to prune; layers with one: ${withKernel.join(', ')}`
      : `the student has no layer "${name}"; ${suggestion(name, withKernel)}`;
    return [{ pointer: `/pruning/layers/${i}`, message }];
  });
}
