// The teacher stage (and the baseline) through the cache of trained models: train and store on a miss, load the
// stored weights on a hit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageResult } from '../../training/train-stage.js';
import type { Dataset } from '../../plugins/dataset-plugin.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { PluginHost } from '../../plugins/plugin-host.js';
import type { ResolvedExperiment } from '../../manifest/resolved-experiment.js';
import type { BackendChoice } from '../../backend/select-backend.js';
import { loadModelFiles, saveModelFiles } from '../../io/model-files.js';
import { distillVersion } from '../../version.js';
import { contentKey, type TrainingCache } from './training-cache.js';

export interface TeacherIdentity {
  readonly experiment: ResolvedExperiment;
  readonly dataset: Dataset;
  readonly host: PluginHost;
  readonly backend: BackendChoice;
}

/** Everything that changes what the teacher stage produces. */
export function trainingCacheKey(identity: TeacherIdentity): string {
  const { experiment } = identity;
  const train = experiment.teacher.train;
  return trainedModelKey(identity, {
    teacher: { type: experiment.teacher.type, params: experiment.teacher.params, train },
    plugins: { model: experiment.teacher.type, optimizer: train.optimizer.type, scheduler: train.scheduler.type },
  });
}

/** The model, its training and plugins (given per stage), plus the data, seed, backend and distill version. */
function trainedModelKey(
  { experiment, dataset, host, backend }: TeacherIdentity,
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
    seed: experiment.seed,
    backend: backend.name,
    distill: distillVersion(),
  });
}

export async function obtainTeacher(
  cache: TrainingCache,
  teacher: DistillModel,
  identity: TeacherIdentity,
  train: () => Promise<void>,
): Promise<{ dir: string; built: boolean; key: string }> {
  const key = trainingCacheKey(identity);
  const { dir, built } = await cache.obtain('teachers', key, async (staging) => {
    await train();
    await saveModelFiles(teacher.model, staging);
  });
  if (!built) {
    const stored = await loadModelFiles(join(dir, 'model.json'));
    teacher.model.setWeights(stored.getWeights());
    stored.dispose();
  }
  return { dir, built, key };
}

/** Everything that changes what the baseline stage produces: the student, its optimizer and budget, the data. */
export function baselineCacheKey(identity: TeacherIdentity, steps: number): string {
  const { experiment } = identity;
  return trainedModelKey(identity, {
    student: { type: experiment.student.type, params: experiment.student.params },
    optimizer: experiment.optimizer,
    scheduler: experiment.scheduler,
    training: { ...experiment.training, baseline: true },
    steps,
    plugins: { model: experiment.student.type, optimizer: experiment.optimizer.type, scheduler: experiment.scheduler.type },
  });
}

/**
 * The baseline through the cache: trials of a sweep that vary only the distillation (temperature, loss weights)
 * share their baseline, so it is trained once. A hit loads the weights and the stage's record.
 */
export async function obtainBaseline(
  cache: TrainingCache,
  baseline: DistillModel,
  identity: TeacherIdentity,
  steps: number,
  train: () => Promise<StageResult>,
): Promise<{ dir: string; built: boolean; key: string; result: StageResult }> {
  const key = baselineCacheKey(identity, steps);
  let result: StageResult | undefined;
  const { dir, built } = await cache.obtain('baselines', key, async (staging) => {
    result = await train();
    await saveModelFiles(baseline.model, staging);
    writeFileSync(join(staging, STAGE_FILE), `${JSON.stringify(result)}\n`);
  });
  if (!built) {
    const stored = await loadModelFiles(join(dir, 'model.json'));
    baseline.model.setWeights(stored.getWeights());
    stored.dispose();
    result = JSON.parse(readFileSync(join(dir, STAGE_FILE), 'utf8')) as StageResult;
  }
  return { dir, built, key, result: result! };
}

const STAGE_FILE = 'stage.json';
