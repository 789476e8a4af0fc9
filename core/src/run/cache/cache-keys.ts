// Every key of the training cache, computed in one place from the prepared run's components: a trained teacher, a
// trained baseline, a teacher's outputs on a split. Each key hashes everything that decides the entry (the model and
// its training, the plugins and their versions, the data and its fingerprint, the seed, the backend, distill's
// version), so runs, sweep trials, queue workers and the sweep's shared-teacher preparation all agree on it.
import { createHash } from 'node:crypto';
import type { Dataset } from '../../plugins/dataset-plugin.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { PluginHost } from '../../plugins/plugin-host.js';
import type { TeacherSource } from '../../plugins/teacher-source.js';
import type { ResolvedExperiment, ResolvedTeacherReference } from '../../manifest/resolved-experiment.js';
import { distillVersion } from '../../version.js';
import { contentKey } from './training-cache.js';

/** What every key shares: the experiment, its data, its plugins and the backend. */
export interface CacheIdentity {
  readonly experiment: ResolvedExperiment;
  readonly dataset: Dataset;
  readonly host: PluginHost;
  readonly backend: { readonly name: string };
}

/** Everything that changes what a teacher stage produces. */
export function trainedTeacherKey(identity: CacheIdentity, teacher: { readonly reference: ResolvedTeacherReference; readonly seed: number }): string {
  const { type, params, train } = teacher.reference;
  return trainedModelKey(identity, teacher.seed, {
    teacher: { type, params, train },
    plugins: { model: type, optimizer: train.optimizer.type, scheduler: train.scheduler.type },
  });
}

/** Everything that changes what the baseline stage produces: the student, its optimizer and budget, the data. */
export function baselineKey(identity: CacheIdentity, steps: number): string {
  const { experiment } = identity;
  return trainedModelKey(identity, experiment.seed, {
    student: { type: experiment.student.type, params: experiment.student.params },
    optimizer: experiment.optimizer,
    scheduler: experiment.scheduler,
    training: { ...experiment.training, baseline: true },
    steps,
    plugins: { model: experiment.student.type, optimizer: experiment.optimizer.type, scheduler: experiment.scheduler.type },
  });
}

/** The model, its training and plugins (given per stage), plus the data, seed, backend and distill version. */
function trainedModelKey(
  { experiment, dataset, host, backend }: CacheIdentity,
  seed: number,
  stage: { plugins: { model: string; optimizer: string; scheduler: string }; [part: string]: unknown },
): string {
  const version = (kind: 'dataset' | 'model' | 'optimizer' | 'scheduler', type: string) => {
    const plugin = host.registries[kind].get(type);
    return `${type}@${plugin.source ?? ''}@${plugin.version ?? ''}`;
  };
  const { plugins, ...rest } = stage;
  return contentKey({
    ...rest,
    plugins: [
      version('model', plugins.model),
      version('dataset', experiment.dataset.type),
      version('optimizer', plugins.optimizer),
      version('scheduler', plugins.scheduler),
    ],
    dataset: { type: experiment.dataset.type, params: experiment.dataset.params, fingerprint: dataset.fingerprint },
    seed,
    backend: backend.name,
    distill: distillVersion(),
  });
}

/** A teacher's outputs on a split: the teacher (`teacherIdentity`), the layers tapped, the data, backend and version. */
export function teacherOutputsKey(request: { teacher: string; dataset: Dataset; split: string; layers: readonly string[]; backend: string }): string {
  const { teacher, dataset, split, layers, backend } = request;
  return contentKey({ teacher, layers, split, dataset: dataset.fingerprint, backend, distill: distillVersion() });
}

/** What makes a model teacher's outputs what they are: its layers' classes and configurations, and its weights. */
export function teacherIdentity(teacher: DistillModel): string {
  return contentKey({ layers: layerConfigs(teacher), weights: weightsDigest(teacher) });
}

/** What makes a teacher source's outputs what they are: what it says it is (a file digest, a URL and version). */
export function sourceIdentity(type: string, source: TeacherSource): string {
  return contentKey({ source: type, describe: source.describe() });
}

/** Each layer's class and configuration, without its name: tfjs numbers default names per process. */
function layerConfigs(teacher: DistillModel): unknown[] {
  return teacher.model.layers.map((layer) => {
    const { name: _name, ...config } = layer.getConfig();
    return { class: layer.getClassName(), config };
  });
}

function weightsDigest(teacher: DistillModel): string {
  const hash = createHash('sha256');
  for (const weight of teacher.model.weights) {
    const values = weight.read().dataSync();
    hash.update(`${weight.shape.join('x')}:${weight.dtype}\n`);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}
