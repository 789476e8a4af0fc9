// distill's own checks of what the built losses require, before anything trains: every layer a loss taps exists in
// the model it taps (any layer of a tf model, or one a teacher source offers), every teacher it names exists and gives
// what it needs, the dataset has the targets or stable ids it asks for, and every layer a stage freezes exists. Each
// problem is placed at the loss (or the stage) in the manifest, with the nearest names.
import type { Dataset } from '../../plugins/dataset-plugin.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import { lookupLayer } from '../../plugins/model-layers.js';
import { nearest, suggestion } from '../../plugins/did-you-mean.js';
import type { ResolvedExperiment } from '../../manifest/resolved-experiment.js';
import type { PointerIssue } from '../../manifest/schema-issues.js';
import type { LossTerm } from '../../training/loss-term.js';
import type { StagePlan } from './stage-plan.js';
import type { TeacherSource } from '../../plugins/teacher-source.js';
import { matchesLayer } from './trainable-layers.js';

/** A built teacher as the checks see it (what `prepareRun` prepares). */
export interface CheckedTeacher {
  readonly name: string;
  readonly source?: TeacherSource;
  /** The model, or a stand-in with the layers a teacher source offers. */
  readonly asModel: DistillModel;
}

export interface RequirementsInput {
  readonly experiment: ResolvedExperiment;
  readonly dataset: Dataset;
  readonly teachers: readonly CheckedTeacher[];
  readonly student: DistillModel;
  readonly plans: readonly StagePlan[];
  readonly terms: ReadonlyMap<string, LossTerm>;
}

export function requirementIssues(input: RequirementsInput): PointerIssue[] {
  const issues: PointerIssue[] = [];
  for (const [pointer, term] of input.terms) issues.push(...termIssues(pointer, term, input));
  issues.push(...freezeIssues(input));
  issues.push(...earlyStoppingIssues(input));
  return issues;
}

/**
 * Early stopping judges a validation metric every distillation stage reports: accuracy, loss, and the agreement with
 * each teacher that is a model (`val/agreement`, or `val/agreement/<name>` with several); it needs a validation split.
 */
function earlyStoppingIssues({ experiment, dataset, teachers }: RequirementsInput): PointerIssue[] {
  const settings = experiment.training.earlyStopping;
  if (!settings) return [];
  const agreement = teachers.length > 1 ? teachers.map((t) => `val/agreement/${t.name}`) : ['val/agreement'];
  const valid = ['val/accuracy', 'val/loss', ...agreement];
  const metric = settings.metric ?? 'val/loss';
  if (!dataset.validation) {
    return [{ pointer: '/training/earlyStopping', message: `early stopping judges the validation split, and the dataset "${experiment.dataset.type}" has none` }];
  }
  if (valid.includes(metric)) return [];
  const close = nearest(metric, valid);
  return [{ pointer: '/training/earlyStopping/metric', message: `the stages report no "${metric}"; valid: ${valid.join(', ')}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) }];
}

function termIssues(pointer: string, term: LossTerm, input: RequirementsInput): PointerIssue[] {
  const requires = term.loss.requires ?? {};
  const issues: PointerIssue[] = [];
  const names = input.teachers.map((t) => t.name);
  const several = input.teachers.length > 1;
  for (const name of term.teachers) {
    const teacher = input.teachers.find((t) => t.name === name);
    if (!teacher) {
      issues.push({ pointer, message: `loss "${term.name}" asks for teacher "${name}", which the manifest does not have; ${suggestion(name, names)}` });
      continue;
    }
    const role = several ? `teacher "${name}"` : 'teacher';
    if (requires.teacherLogits && teacher.source?.outputs === 'probabilities') {
      issues.push({ pointer, message: `loss "${term.name}" needs the teacher's logits, but ${role} (a teacher source) gives only probabilities` });
    }
    for (const layer of requires.teacherLayers ?? []) issues.push(...layerIssues(pointer, term, teacher.asModel, role, layer, Boolean(teacher.source)));
  }
  for (const layer of requires.studentLayers ?? []) issues.push(...layerIssues(pointer, term, input.student, 'student', layer, false));
  if (requires.sampleIds && input.dataset.stableIds === false) {
    issues.push({ pointer, message: `loss "${term.name}" indexes samples by id, but the dataset "${input.experiment.dataset.type}" says its sample ids are not stable from run to run` });
  }
  if (requires.targets && input.dataset.task !== 'multilabel') {
    issues.push({ pointer, message: `loss "${term.name}" needs multi-label targets, but the dataset "${input.experiment.dataset.type}" is multi-class`, hint: 'use cross-entropy for one class per sample' });
  }
  return issues;
}

function layerIssues(pointer: string, term: LossTerm, model: DistillModel, role: string, layer: string, source: boolean): PointerIssue[] {
  if (source) {
    const offered = model.layers.map((l) => l.name);
    if (offered.includes(layer)) return [];
    const close = nearest(layer, offered);
    return [{ pointer, message: `loss "${term.name}" taps layer "${layer}" of the ${role}, which offers ${offered.length ? offered.join(', ') : 'no layers'}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) }];
  }
  const found = lookupLayer(model, role, layer);
  return 'missing' in found ? [{ pointer, message: `loss "${term.name}" taps a layer that does not exist: ${found.missing.message}`, ...(found.missing.hint ? { hint: found.missing.hint } : {}) }] : [];
}

/** Each name or prefix a stage freezes must match a layer of the student. */
function freezeIssues({ experiment, student }: RequirementsInput): PointerIssue[] {
  const layers = student.model.layers.filter((layer) => layer.getClassName() !== 'InputLayer').map((layer) => layer.name);
  return (experiment.stages ?? []).flatMap((stage, i) =>
    (stage.trainable?.freeze ?? []).flatMap((pattern, j) => {
      if (layers.some((name) => matchesLayer(pattern, name))) return [];
      const close = nearest(pattern.replace(/\*$/, ''), layers);
      return [{
        pointer: `/stages/${i}/trainable/freeze/${j}`,
        message: `no layer of the student is ${pattern.endsWith('*') ? `named "${pattern.slice(0, -1)}…"` : `named "${pattern}"`}; its layers are: ${layers.join(', ')}`,
        ...(close ? { hint: `did you mean "${close}"?` } : {}),
      }];
    }),
  );
}
