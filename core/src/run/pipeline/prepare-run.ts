// The one preparation path of a run, shared by `distill run`, sweep trials, queue workers, the sweep's shared-teacher
// preparation and `distill validate`: dataset → teachers → student → the plugins' semantic checks → stage plans →
// loss terms → distill's own checks of what the losses require. Everything that can reject the manifest happens here,
// before a run directory exists. The order of the builds is fixed: plugins that draw from the seeded Math.random while
// they build (an unseeded initializer) draw the same numbers in every kind of run.
import type { NamedAugmentation } from '../../training/augment-batch.js';
import type { PluginHost } from '../../plugins/plugin-host.js';
import type { Dataset, SampleSource } from '../../plugins/dataset-plugin.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { TeacherSource } from '../../plugins/teacher-source.js';
import type { DistillLoss } from '../../plugins/loss-plugin.js';
import type { RunServices } from '../../plugins/run-services.js';
import type { LoadedManifest } from '../../manifest/validate-manifest.js';
import type { ResolvedExperiment } from '../../manifest/resolved-experiment.js';
import { checkSemantics } from '../../manifest/check-semantics.js';
import { buildPlaced } from '../../manifest/check-builds.js';
import { datasetWarnings } from '../../manifest/dataset-warnings.js';
import { ManifestError } from '../../manifest/manifest-error.js';
import { teacherEntries, type TeacherEntry } from '../../manifest/teacher-entries.js';
import { deriveSeed } from '../../random/seeded-random.js';
import { UserError } from '../../errors.js';
import { sourceOf } from '../../data/in-memory-source.js';
import { labelledSubset } from '../../data/labelled-subset.js';
import { layoutOf, type SampleLayout } from '../../data/sample-layout.js';
import type { LossTerm } from '../../training/loss-term.js';
import { RunComponents, termNames } from '../run-components.js';
import { planStages } from './plan-stages.js';
import type { StagePlan } from './stage-plan.js';
import { requirementIssues } from './check-requirements.js';
import { checkModelKernels } from '../check-model-kernels.js';

/** A teacher of the run, built: a model (trained in a teacher stage unless pretrained) or a teacher source. */
export interface PreparedTeacher extends TeacherEntry {
  readonly model?: DistillModel;
  readonly source?: TeacherSource;
  /** The seed it was built with (and its cache key holds): the run's seed, or one derived from its name. */
  readonly seed: number;
  /** How the models and checks see it: the model, or a stand-in with the layers the source can tap. */
  readonly asModel: DistillModel;
}

/** The splits as sources, read by position; `labelledTrain` is the labelled part of `train` (built once, on demand). */
export interface RunSplits {
  readonly train: SampleSource;
  readonly validation?: SampleSource;
  readonly test: SampleSource;
  readonly teacherTrain?: SampleSource;
  labelledTrain(): Promise<SampleSource>;
}

export interface PreparedRun {
  readonly loaded: LoadedManifest;
  readonly experiment: ResolvedExperiment;
  readonly host: PluginHost;
  readonly components: RunComponents;
  readonly dataset: Dataset;
  readonly layout: SampleLayout;
  readonly splits: RunSplits;
  readonly teachers: readonly PreparedTeacher[];
  readonly student: DistillModel;
  readonly plans: readonly StagePlan[];
  /** Every loss term of every stage, by the manifest place of its reference (inherited losses share one term). */
  readonly terms: ReadonlyMap<string, LossTerm>;
  /** The terms of a distillation stage, in its order. */
  termsOf(plan: StagePlan): LossTerm[];
  /** `training.augment`, built in order; empty without augmentation. */
  readonly augmentations: readonly NamedAugmentation[];
  /** The seed the augmentations' randomness derives from (recorded in summary.json). */
  readonly augmentationSeed: number;
  teacher(name: string): PreparedTeacher;
  /** Frees the models, the teacher sources and the losses' variables. */
  dispose(): void;
}

export interface PrepareOptions {
  /** Where progress lines go (`dataset mnist: 7200 train, …`). */
  readonly log?: { info(message: string): void };
}

export async function prepareRun(loaded: LoadedManifest, host: PluginHost, services: RunServices = {}, options: PrepareOptions = {}): Promise<PreparedRun> {
  const experiment = loaded.experiment;
  const components = new RunComponents(host, experiment, loaded.dir, services);
  const built: { teachers: PreparedTeacher[]; student?: DistillModel; terms: Map<string, LossTerm> } = { teachers: [], terms: new Map() };
  let disposed = false;
  const dispose = () => {
    if (!disposed) disposeAll(built.teachers, built.student, built.terms);
    disposed = true;
  };
  try {
    const dataset = await buildPlaced(loaded, '/dataset', () => components.dataset());
    options.log?.info(describeDataset(experiment, dataset));
    for (const warning of datasetWarnings(experiment, dataset)) services.warnings?.warn(warning);
    const entries = teacherEntries(experiment);
    for (const entry of entries) {
      const seed = entries.length > 1 ? deriveSeed(experiment.seed, `teacher:${entry.name}`) : experiment.seed;
      const teacher = await buildPlaced(loaded, entry.pointer, () => components.teacher(entry, dataset, seed));
      built.teachers.push({ ...entry, ...teacher, seed, asModel: teacher.model ?? sourceAsModel(entry.name, host, entry.reference.type, teacher.source) });
    }
    const teacherNamed = (name: string) => built.teachers.find((t) => t.name === name);
    built.student = await buildPlaced(loaded, '/student', () => components.model('student', dataset));
    const student = built.student;
    await checkSemantics(loaded, host, {
      teacher: async () => built.teachers[0].asModel,
      teacherNamed: async (name) => (teacherNamed(name) ?? built.teachers[0]).asModel,
      student: async () => student,
      dataset: async () => dataset,
    });
    // A layer the backend cannot run (a frozen teacher) or train (everything else) is refused now, not mid-run.
    checkModelKernels(loaded, [
      ...built.teachers.flatMap((t) => (t.model ? [{ pointer: t.pointer, role: t.label, model: t.model, use: t.model.pretrained ? ('infer' as const) : ('train' as const) }] : [])),
      { pointer: '/student', role: 'student', model: student, use: 'train' as const },
    ]);
    const trained = new Set(built.teachers.filter((t) => t.source || t.model?.pretrained).map((t) => t.name));
    const plans = planStages(experiment, trained);
    for (const plan of plans) await buildTerms(plan, components, dataset, built.teachers, student, built.terms);
    const issues = requirementIssues({ experiment, dataset, teachers: built.teachers, student, plans, terms: built.terms });
    if (issues.length > 0) throw new ManifestError(issues.map((issue) => loaded.issueAt(issue.pointer, issue.message, issue.hint)));
    const augmentations: NamedAugmentation[] = [];
    for (const [index, reference] of (experiment.training.augment ?? []).entries()) {
      const pointer = `/training/augment/${index}`;
      augmentations.push({ name: reference.type, augmentation: await buildPlaced(loaded, pointer, () => components.augmentation(reference, pointer, dataset)) });
    }
    const train = sourceOf(dataset.train);
    let labelled: Promise<SampleSource> | undefined;
    return {
      loaded,
      experiment,
      host,
      components,
      dataset,
      layout: layoutOf(dataset),
      splits: {
        train,
        ...(dataset.validation ? { validation: sourceOf(dataset.validation) } : {}),
        test: sourceOf(dataset.test),
        ...(dataset.teacherTrain ? { teacherTrain: sourceOf(dataset.teacherTrain) } : {}),
        labelledTrain: () => (labelled ??= labelledSubset(dataset.train)),
      },
      teachers: built.teachers,
      student,
      plans,
      terms: built.terms,
      termsOf: (plan) => plan.losses.map((loss) => built.terms.get(loss.pointer)!),
      augmentations,
      augmentationSeed: deriveSeed(experiment.seed, 'augment'),
      teacher: (name) => {
        const found = teacherNamed(name);
        if (!found) throw new Error(`the run has no teacher named "${name}"`);
        return found;
      },
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** `dataset mnist: 7200 train, 800 validation, 2000 test, 10 classes` */
function describeDataset(experiment: ResolvedExperiment, dataset: Dataset): string {
  return `dataset ${experiment.dataset.type}: ${dataset.train.count} train, ${dataset.validation?.count ?? 0} validation, ${dataset.test.count} test, ${dataset.numClasses} classes`;
}

/** Builds the terms of a distillation stage that an earlier stage has not built (its inherited losses). */
async function buildTerms(
  plan: StagePlan,
  components: RunComponents,
  dataset: Dataset,
  teachers: readonly PreparedTeacher[],
  student: DistillModel,
  terms: Map<string, LossTerm>,
): Promise<void> {
  const names = termNames(plan.losses);
  const models = Object.fromEntries(teachers.map((t) => [t.name, t.asModel]));
  for (const [i, reference] of plan.losses.entries()) {
    if (terms.has(reference.pointer)) continue;
    const own = teachers.find((t) => t.name === reference.teacher) ?? teachers[0];
    const loss = await components.loss(reference, reference.pointer, dataset, { teacher: own.asModel, student, teachers: models });
    terms.set(reference.pointer, { name: names[i], plugin: reference.type, weight: reference.weight, loss, teachers: termTeachers(loss.requires ?? {}, reference, own.name) });
  }
}

/**
 * Whose outputs a term receives: the teachers it asks for; else its own teacher (the reference's `teacher`, else the
 * first) when it uses a teacher at all — a loss on labels alone gets none, so no teacher outputs are computed for it.
 */
function termTeachers(requires: DistillLoss['requires'], reference: { teacher?: string }, own: string): string[] {
  if (requires.teachers?.length) return [...requires.teachers];
  const usesTeacher = requires.teacherLogits || requires.teacherOutputs || (requires.teacherLayers ?? []).length > 0 || reference.teacher !== undefined;
  return usesTeacher ? [own] : [];
}

/**
 * A teacher source where a model is expected (a loss sizing a connector, a plugin's check): the layers it can tap,
 * and a `model` that says why there is none when something reads it.
 */
function sourceAsModel(name: string, host: PluginHost, type: string, source: TeacherSource): DistillModel {
  return {
    get model(): never {
      throw new UserError(`teacher "${name}" is a teacher source (plugin "${type}" of ${host.registries.teacher.get(type).source ?? 'an unnamed source'}), not a tf model: it can only predict`);
    },
    layers: source.layers ?? [],
    pretrained: true,
  };
}

function disposeAll(teachers: readonly PreparedTeacher[], student: DistillModel | undefined, terms: ReadonlyMap<string, LossTerm>): void {
  for (const term of terms.values()) term.loss.dispose?.();
  for (const teacher of teachers) {
    teacher.model?.model.dispose();
    teacher.source?.dispose?.();
  }
  student?.model.dispose();
}
