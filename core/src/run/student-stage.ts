// The student stage: the student learns from the weighted losses, with the frozen teacher's outputs computed once.
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { trainStage, type StageHooks, type StageResult } from '../training/train-stage.js';
import type { LossTerm } from '../training/loss-term.js';
import { tapModel } from '../training/tapped-model.js';
import { computeTeacherOutputs, type TeacherOutputs } from '../training/teacher-outputs.js';
import { deriveSeed } from '../random/seeded-random.js';
import type { RunComponents } from './run-components.js';
import type { TrainingCache } from './cache/training-cache.js';
import { obtainTeacherOutputs, teacherIdentity } from './cache/cached-teacher-outputs.js';

export interface TeacherSignals {
  readonly train?: TeacherOutputs;
  readonly validation?: TeacherOutputs;
}

/** Where a run keeps the frozen teacher's outputs across runs (`--cache`, sweeps), and the backend computing them. */
export interface TeacherOutputsCache {
  readonly cache: TrainingCache;
  readonly backend: string;
}

/**
 * The teacher's logits (and the layers the losses name) on the training and validation splits; through the cache
 * when one is given (`fromCache`: whether every split was found there).
 */
export async function teacherSignals(
  teacher: DistillModel,
  terms: readonly LossTerm[],
  dataset: Dataset,
  outputsCache?: TeacherOutputsCache,
): Promise<TeacherSignals & { fromCache?: boolean }> {
  const layers = [...new Set(terms.flatMap((t) => t.loss.requires.teacherLayers ?? []))];
  const needsTrain = terms.some((t) => t.loss.requires.teacherLogits || (t.loss.requires.teacherLayers ?? []).length > 0);
  const found: boolean[] = [];
  const identity = outputsCache && teacherIdentity(teacher);
  const outputs = async (split: 'train' | 'validation', tapped: readonly string[]) => {
    const compute = () => computeTeacherOutputs(tapModel(teacher, [...tapped], 'teacher'), dataset[split]!, dataset.inputShape);
    if (!outputsCache || identity === undefined) return compute();
    const { cache, backend } = outputsCache;
    const result = await obtainTeacherOutputs({ cache, teacher: identity, dataset, split, layers: tapped, backend }, compute);
    found.push(!result.built);
    return result.outputs;
  };
  const signals = {
    train: needsTrain ? await outputs('train', layers) : undefined,
    validation: dataset.validation ? await outputs('validation', []) : undefined,
  };
  return outputsCache && found.length > 0 ? { ...signals, fromCache: found.every(Boolean) } : signals;
}

/** What the student and its baseline share: data order, epochs, batch size and validation. */
export function studentBudget(experiment: ResolvedExperiment, dataset: Dataset) {
  return {
    validation: dataset.validation,
    inputShape: dataset.inputShape,
    epochs: experiment.training.epochs,
    batchSize: experiment.training.batchSize,
    shuffle: experiment.training.shuffle,
    seed: deriveSeed(experiment.seed, 'shuffle:student'),
    evalEvery: experiment.training.evalEvery,
  };
}

export async function trainStudent(
  student: DistillModel,
  terms: readonly LossTerm[],
  signals: TeacherSignals,
  dataset: Dataset,
  experiment: ResolvedExperiment,
  components: RunComponents,
  hooks: StageHooks,
): Promise<StageResult> {
  const optimizer = await components.optimizer(experiment.optimizer, '/optimizer');
  try {
    return await trainStage(
      {
        stage: 'student',
        model: student,
        terms,
        optimizer,
        schedule: await components.scheduler(experiment.scheduler, '/scheduler'),
        ...studentBudget(experiment, dataset),
        train: dataset.train,
        teacherTrain: signals.train,
        teacherValidation: signals.validation,
      },
      hooks,
    );
  } finally {
    optimizer.dispose();
  }
}
