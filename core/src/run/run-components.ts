// Builds the plugins a manifest names, each through its kind's registry with its validated params.
import type { PluginHost } from '../plugins/plugin-host.js';
import type { BuildContext } from '../plugins/build-context.js';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { LearningRateSchedule } from '../plugins/scheduler-plugin.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import type { LossTerm } from '../training/loss-term.js';
import { checkDatasetContract } from '../plugins/dataset-contract.js';
import { checkModelContract } from '../plugins/model-contract.js';
import type { RunServices } from '../plugins/run-services.js';

type Reference = { type: string; params?: Record<string, unknown> };

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
    const { type, params } = this.experiment.dataset as Reference;
    const built = await this.host.registries.dataset.build(type, params ?? {}, this.context('/dataset'), this.services);
    checkDatasetContract(built, type);
    return built;
  }

  async model(role: 'teacher' | 'student', dataset: Dataset): Promise<DistillModel> {
    const { type, params } = this.experiment[role] as Reference;
    const info = { inputShape: dataset.inputShape, numClasses: dataset.numClasses, classNames: dataset.classNames };
    const built = await this.host.registries.model.build(type, params ?? {}, this.context(`/${role}`, { role, dataset: info }), this.services);
    checkModelContract(built, dataset.numClasses, type, role);
    return built;
  }

  /** Losses are built after the models: a feature loss sizes its projection from their layers. */
  async losses(dataset: Dataset, models: { teacher: DistillModel; student: DistillModel }): Promise<LossTerm[]> {
    const info = { inputShape: dataset.inputShape, numClasses: dataset.numClasses };
    const names = termNames(this.experiment.losses);
    return Promise.all(
      this.experiment.losses.map(async (reference: ResolvedExperiment['losses'][number], i: number) => ({
        name: names[i],
        plugin: reference.type,
        weight: reference.weight,
        loss: await this.host.registries.loss.build(reference.type, reference.params ?? {}, this.context(`/losses/${i}`, { dataset: info, models }), this.services),
      })),
    );
  }

  optimizer(reference: Reference, pointer: string): Promise<DistillOptimizer> {
    return this.host.registries.optimizer.build(reference.type, reference.params ?? {}, this.context(pointer), this.services);
  }

  scheduler(reference: Reference, pointer: string): Promise<LearningRateSchedule> {
    return this.host.registries.scheduler.build(reference.type, reference.params ?? {}, this.context(pointer), this.services);
  }
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
