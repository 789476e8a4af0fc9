// The baseline: the same student architecture from the same initial weights, trained on hard labels alone with the
// student's budget (the same number of optimizer steps at the same batch size), so every run reports the gain that
// distillation brought.
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { trainStage, type StageHooks, type StageResult } from '../training/train-stage.js';
import { hardLabelTerm } from '../training/hard-label-term.js';
import { labelledSubset } from '../training/batches.js';
import { studentBudget, type TeacherSignals } from './student-stage.js';
import type { RunComponents } from './run-components.js';

export async function trainBaseline(
  baseline: DistillModel,
  initialWeights: readonly tf.Tensor[],
  studentSteps: number,
  signals: TeacherSignals,
  dataset: Dataset,
  experiment: ResolvedExperiment,
  components: RunComponents,
  hooks: StageHooks,
): Promise<StageResult> {
  baseline.model.setWeights([...initialWeights]);
  const optimizer = await components.optimizer(experiment.optimizer, '/optimizer');
  try {
    return await trainStage(
      {
        stage: 'baseline',
        model: baseline,
        terms: [hardLabelTerm],
        optimizer,
        schedule: await components.scheduler(experiment.scheduler, '/scheduler'),
        ...studentBudget(experiment, dataset),
        train: labelledSubset(dataset.train, dataset.inputShape),
        teacherValidation: signals.validation,
        maxSteps: studentSteps,
        scheduleStepsPerEpoch: Math.ceil(dataset.train.count / experiment.training.batchSize),
      },
      hooks,
    );
  } finally {
    optimizer.dispose();
  }
}
