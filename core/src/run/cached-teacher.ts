// The teacher stage through the teacher cache: train and store on a miss, load the stored weights on a hit.
import { join } from 'node:path';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import type { BackendChoice } from '../backend/select-backend.js';
import { loadModelFiles, saveModelFiles } from '../io/model-files.js';
import { distillVersion } from '../version.js';
import { contentKey, type TeacherCache } from './teacher-cache.js';

export interface TeacherIdentity {
  readonly experiment: ResolvedExperiment;
  readonly dataset: Dataset;
  readonly host: PluginHost;
  readonly backend: BackendChoice;
}

/** Everything that changes what the teacher stage produces. */
export function teacherCacheKey({ experiment, dataset, host, backend }: TeacherIdentity): string {
  const version = (kind: 'dataset' | 'model' | 'optimizer' | 'scheduler', type: string) => {
    const plugin = host.registries[kind].get(type);
    return `${type}@${plugin.source ?? ''}@${plugin.version ?? ''}`;
  };
  const train = experiment.teacher.train;
  return contentKey({
    teacher: { type: experiment.teacher.type, params: experiment.teacher.params, train },
    plugins: [
      version('model', experiment.teacher.type),
      version('dataset', experiment.dataset.type),
      version('optimizer', train.optimizer.type),
      version('scheduler', train.scheduler.type),
    ],
    dataset: { type: experiment.dataset.type, params: experiment.dataset.params, fingerprint: dataset.fingerprint },
    seed: experiment.seed,
    backend: backend.name,
    distill: distillVersion(),
  });
}

export async function obtainTeacher(
  cache: TeacherCache,
  teacher: DistillModel,
  identity: TeacherIdentity,
  train: () => Promise<void>,
): Promise<{ dir: string; built: boolean; key: string }> {
  const key = teacherCacheKey(identity);
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
