// The teacher stage: a teacher given as an architecture without trained weights learns from hard labels first, and
// is saved in the run directory so a later manifest can load it with `tfjs-model`.
import { join } from 'node:path';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { trainStage, type StageHooks, type StageResult } from '../training/train-stage.js';
import { hardLabelTerm } from '../training/hard-label-term.js';
import { labelledSubset } from '../training/batches.js';
import { deriveSeed } from '../random/seeded-random.js';
import { saveModelFiles } from '../io/model-files.js';
import type { RunComponents } from './run-components.js';

export async function trainTeacher(
  teacher: DistillModel,
  dataset: Dataset,
  experiment: ResolvedExperiment,
  components: RunComponents,
  hooks: StageHooks,
): Promise<StageResult> {
  const train = experiment.teacher.train;
  const optimizer = await components.optimizer(train.optimizer, '/teacher/train/optimizer');
  try {
    return await trainStage(
      {
        stage: 'teacher',
        model: teacher,
        terms: [hardLabelTerm],
        optimizer,
        schedule: await components.scheduler(train.scheduler, '/teacher/train/scheduler'),
        train: dataset.teacherTrain ?? labelledSubset(dataset.train, dataset.inputShape),
        validation: dataset.validation,
        inputShape: dataset.inputShape,
        epochs: train.epochs,
        batchSize: train.batchSize,
        shuffle: true,
        seed: deriveSeed(experiment.seed, 'shuffle:teacher'),
        evalEvery: 1,
      },
      hooks,
    );
  } finally {
    optimizer.dispose();
  }
}

/** Writes the teacher in tfjs format under `<runDir>/teacher/`; returns the files written. */
export function saveTeacher(teacher: DistillModel, runDir: string): Promise<string[]> {
  return saveModelFiles(teacher.model, join(runDir, 'teacher'));
}
