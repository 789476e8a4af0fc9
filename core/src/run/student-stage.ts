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

export interface TeacherSignals {
  readonly train?: TeacherOutputs;
  readonly validation?: TeacherOutputs;
}

/** The teacher's logits (and the layers the losses name) on the training and validation splits. */
export async function teacherSignals(teacher: DistillModel, terms: readonly LossTerm[], dataset: Dataset): Promise<TeacherSignals> {
  const layers = [...new Set(terms.flatMap((t) => t.loss.requires.teacherLayers ?? []))];
  const needsTrain = terms.some((t) => t.loss.requires.teacherLogits || (t.loss.requires.teacherLayers ?? []).length > 0);
  const tapped = tapModel(teacher, layers, 'teacher');
  return {
    train: needsTrain ? await computeTeacherOutputs(tapped, dataset.train, dataset.inputShape) : undefined,
    validation: dataset.validation ? await computeTeacherOutputs(tapModel(teacher, [], 'teacher'), dataset.validation, dataset.inputShape) : undefined,
  };
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
