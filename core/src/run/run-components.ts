// Builds the plugins a manifest names, each through its kind's registry with its validated params.
import type { PluginHost } from '../plugins/plugin-host.js';
import type { BuildContext } from '../plugins/build-context.js';
import type { Dataset, DatasetInfo } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { LearningRateSchedule } from '../plugins/scheduler-plugin.js';
import type { TeacherSource } from '../plugins/teacher-source.js';
import type { DistillLoss } from '../plugins/loss-plugin.js';
import type { Augmentation } from '../plugins/augmentation-plugin.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { checkDatasetContract } from '../plugins/dataset-contract.js';
import type { TeacherEntry } from '../manifest/teacher-entries.js';
import { checkModelContract } from '../plugins/model-contract.js';
import { withLayerShapes } from '../plugins/model-layers.js';
import type { RunServices } from '../plugins/run-services.js';

type Reference = { type: string; params?: Record<string, unknown> };

/** A teacher as built: a model (trainable, tappable by any layer name) or a teacher source. */
export type BuiltTeacher = { readonly model: DistillModel; readonly source?: undefined } | { readonly source: TeacherSource; readonly model?: undefined };

export class RunComponents {
  constructor(
    private readonly host: PluginHost,
    readonly experiment: ResolvedExperiment,
    private readonly manifestDir: string,
    /** The environment plugins may read and where their warnings go (the run's log). */
    private readonly services: RunServices = {},
  ) {}

  context(pointer: string, extra: Partial<BuildContext> = {}): BuildContext {
    return { manifestDir: this.manifestDir, seed: this.experiment.seed, pointer, ...extra };
  }

  async dataset(): Promise<Dataset> {
    const { type, params, tokenizer: tokenizerReference } = this.experiment.dataset as Reference & { tokenizer?: Reference };
    const tokenizer = tokenizerReference
      ? await this.host.registries.tokenizer.build(tokenizerReference.type, tokenizerReference.params ?? {}, this.context('/dataset/tokenizer'), this.services)
      : undefined;
    const built = await this.host.registries.dataset.build(type, params ?? {}, this.context('/dataset', tokenizer ? { tokenizer } : {}), this.services);
    checkDatasetContract(built, type);
    if (tokenizer && !built.tokenizer) this.services.warnings?.warn(`/dataset/tokenizer: dataset plugin "${type}" does not use a tokenizer; "${tokenizerReference!.type}" is ignored`);
    return built;
  }

  /** The student (or, for a classic single-teacher manifest, the teacher) from its section. */
  async model(role: 'teacher' | 'student', dataset: DatasetInfo): Promise<DistillModel> {
    const { type, params } = (role === 'student' ? this.experiment.student : this.experiment.teacher) as Reference;
    return this.buildModel(type, params ?? {}, `/${role}`, role, dataset, this.experiment.seed);
  }

  /** A teacher of the manifest: a model plugin, or a teacher source when no model plugin has its type. */
  async teacher(entry: TeacherEntry, dataset: Dataset, seed: number): Promise<BuiltTeacher> {
    const { type, params } = entry.reference as Reference;
    if (!this.host.registries.model.has(type) && this.host.registries.teacher.has(type)) {
      const source = await this.host.registries.teacher.build(type, params ?? {}, this.context(entry.pointer, { role: 'teacher', dataset: datasetInfo(dataset), data: dataset, seed }), this.services);
      return { source };
    }
    return { model: await this.buildModel(type, params ?? {}, entry.pointer, 'teacher', dataset, seed) };
  }

  /** Losses are built after the models: a feature loss sizes its connector from their layers. */
  loss(reference: Reference, pointer: string, dataset: DatasetInfo, models: NonNullable<BuildContext['models']>): Promise<DistillLoss> {
    return this.host.registries.loss.build(reference.type, reference.params ?? {}, this.context(pointer, { dataset: { ...datasetInfo(dataset), ...sampleIdRange(dataset) }, models }), this.services);
  }

  augmentation(reference: Reference, pointer: string, dataset: DatasetInfo): Promise<Augmentation> {
    return this.host.registries.augmentation.build(reference.type, reference.params ?? {}, this.context(pointer, { dataset: datasetInfo(dataset) }), this.services);
  }

  optimizer(reference: Reference, pointer: string): Promise<DistillOptimizer> {
    return this.host.registries.optimizer.build(reference.type, reference.params ?? {}, this.context(pointer), this.services);
  }

  scheduler(reference: Reference, pointer: string): Promise<LearningRateSchedule> {
    return this.host.registries.scheduler.build(reference.type, reference.params ?? {}, this.context(pointer), this.services);
  }

  private async buildModel(type: string, params: Record<string, unknown>, pointer: string, role: 'teacher' | 'student', dataset: DatasetInfo, seed: number): Promise<DistillModel> {
    const info = { inputShape: dataset.inputShape, numClasses: dataset.numClasses, ...(dataset.classNames ? { classNames: dataset.classNames } : {}), ...dtypeAndTask(dataset) };
    const built = await this.host.registries.model.build(type, params, this.context(pointer, { role, dataset: info, seed }), this.services);
    checkModelContract(built, dataset.numClasses, type, role, dataset.inputShape);
    return withLayerShapes(built);
  }
}

/** What plugins built after the dataset learn of it. */
function datasetInfo(dataset: DatasetInfo): DatasetInfo {
  return { inputShape: dataset.inputShape, numClasses: dataset.numClasses, ...(dataset.classNames ? { classNames: dataset.classNames } : {}), ...dtypeAndTask(dataset) };
}

/** The id range of a dataset's training split, for losses that keep a row per sample. */
function sampleIdRange(dataset: DatasetInfo): Partial<DatasetInfo> {
  const train = (dataset as Partial<Dataset>).train;
  if (!train) return {};
  const ids = (train as { ids?: Int32Array }).ids;
  return { sampleIdRange: ids && ids.length ? ids.reduce((max, id) => Math.max(max, id), 0) + 1 : train.count };
}

function dtypeAndTask(dataset: DatasetInfo): Partial<DatasetInfo> {
  return {
    ...(dataset.inputDtype ? { inputDtype: dataset.inputDtype } : {}),
    ...(dataset.task ? { task: dataset.task } : {}),
    ...(dataset.vocabularySize ? { vocabularySize: dataset.vocabularySize } : {}),
  };
}

/** Log names of the loss terms: the manifest's `name`, else the type, with `-2`, `-3` for repeats. */
export function termNames(losses: readonly { type: string; name?: string }[]): string[] {
  const seen = new Map<string, number>();
  return losses.map((loss) => {
    const base = loss.name ?? loss.type;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}
