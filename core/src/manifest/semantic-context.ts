// What semantic checks may ask for, built lazily through the registries: only a check that needs a model pays for it.
import type { PluginHost } from '../plugins/plugin-host.js';
import type { SemanticCheckContext } from '../plugins/semantic-check.js';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { LoadedManifest } from './validate-manifest.js';
import { checkDatasetContract } from '../plugins/dataset-contract.js';
import { checkModelContract } from '../plugins/model-contract.js';

export interface SemanticContext extends SemanticCheckContext {
  dataset(): Promise<Dataset>;
  /** Frees the weights of the models built for the checks. */
  dispose(): void;
}

export function createSemanticContext(loaded: LoadedManifest, host: PluginHost): SemanticContext {
  const { experiment, dir: manifestDir } = loaded;
  const { seed } = experiment;
  const models: DistillModel[] = [];
  const dataset = once(async () => {
    const built = await host.registries.dataset.build(experiment.dataset.type, experiment.dataset.params, { manifestDir, seed, pointer: '/dataset' });
    checkDatasetContract(built, experiment.dataset.type);
    return built;
  });
  const model = (role: 'teacher' | 'student') =>
    once(async () => {
      const { inputShape, numClasses, classNames } = await dataset();
      await ensureBackend();
      const section = experiment[role];
      const context = { manifestDir, seed, pointer: `/${role}`, role, dataset: { inputShape, numClasses, ...(classNames ? { classNames } : {}) } };
      const built = await host.registries.model.build(section.type, section.params, context);
      checkModelContract(built, numClasses, section.type, role);
      models.push(built);
      return built;
    });
  return { dataset, teacher: model('teacher'), student: model('student'), dispose: () => models.splice(0).forEach(({ model }) => model.dispose()) };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

// Layers need a backend. A run has started the one it chose; `validate` has none yet and takes the plain cpu backend,
// which starts at once and is quiet (tfjs and the backends load only when a check builds a model).
async function ensureBackend(): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  if (tf.engine().backendName) return;
  const { startCpuBackend } = await import('../backend/cpu-backend.js');
  await startCpuBackend();
}
