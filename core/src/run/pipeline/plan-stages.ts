// From a validated manifest to the run's stage plans, without building anything. The default is the classic run: a
// teacher stage per teacher that needs training, the student stage, the baseline. With `stages`, each entry is a
// distillation stage of the student that takes what it leaves out from the stage before it (the first from `losses`,
// `optimizer`, `scheduler` and `training`); the baseline then gets the steps of all of them.
import type { ResolvedExperiment, ResolvedStage } from '../../manifest/resolved-experiment.js';
import { teacherEntries } from '../../manifest/teacher-entries.js';
import type { PlannedLoss, StagePlan } from './stage-plan.js';

/**
 * `trainedTeachers`: names of teachers that need no teacher stage (pretrained models, teacher sources); known once
 * they are built. Without it every teacher is planned a stage.
 */
export function planStages(experiment: ResolvedExperiment, trainedTeachers: ReadonlySet<string> = new Set()): StagePlan[] {
  const teachers = teacherEntries(experiment)
    .filter((entry) => !trainedTeachers.has(entry.name))
    .map((entry): StagePlan => {
      const train = entry.reference.train;
      return {
        name: entry.label,
        kind: 'teacher',
        model: { teacher: entry.name },
        losses: [],
        optimizer: train.optimizer,
        scheduler: train.scheduler,
        epochs: train.epochs,
        batchSize: train.batchSize,
        shuffle: true,
        evalEvery: 1,
        pointer: `${entry.pointer}/train`,
        pointers: { optimizer: `${entry.pointer}/train/optimizer`, scheduler: `${entry.pointer}/train/scheduler` },
      };
    });
  const distill = distillPlans(experiment);
  const baseline: StagePlan[] = experiment.training.baseline ? [baselinePlan(experiment, distill.map((plan) => plan.name))] : [];
  return [...teachers, ...distill, ...baseline];
}

/** The names of the distillation stages a manifest plans (`student` unless it lists `stages`). */
export function distillStageNames(experiment: Pick<ResolvedExperiment, 'stages'>): string[] {
  return experiment.stages ? experiment.stages.map((stage) => stage.name) : ['student'];
}

/** What the student stage and the baseline take from the top-level `optimizer`, `scheduler` and `training`. */
function studentTraining(experiment: ResolvedExperiment): Pick<StagePlan, 'model' | 'optimizer' | 'scheduler' | 'epochs' | 'batchSize' | 'shuffle' | 'evalEvery' | 'pointers'> {
  const { training } = experiment;
  return {
    model: 'student',
    optimizer: experiment.optimizer,
    scheduler: experiment.scheduler,
    epochs: training.epochs,
    batchSize: training.batchSize,
    shuffle: training.shuffle,
    evalEvery: training.evalEvery,
    pointers: { optimizer: '/optimizer', scheduler: '/scheduler' },
  };
}

function distillPlans(experiment: ResolvedExperiment): StagePlan[] {
  const student: StagePlan = {
    name: 'student',
    kind: 'distill',
    losses: (experiment.losses ?? []).map((loss, i) => ({ ...loss, pointer: `/losses/${i}` })),
    ...studentTraining(experiment),
    pointer: '/training',
  };
  if (!experiment.stages) return [student];
  const plans: StagePlan[] = [];
  experiment.stages.forEach((stage, i) => plans.push(inherit(plans.at(-1) ?? student, stage, `/stages/${i}`)));
  return plans;
}

/** A stage: what it sets, and the rest from `previous`. */
function inherit(previous: StagePlan, stage: ResolvedStage, pointer: string): StagePlan {
  const losses: readonly PlannedLoss[] = stage.losses ? stage.losses.map((loss, j) => ({ ...loss, pointer: `${pointer}/losses/${j}` })) : previous.losses;
  const trainable = stage.trainable ?? previous.trainable;
  return {
    ...previous,
    name: stage.name,
    losses,
    optimizer: stage.optimizer ?? previous.optimizer,
    scheduler: stage.scheduler ?? previous.scheduler,
    epochs: stage.epochs ?? previous.epochs,
    batchSize: stage.batchSize ?? previous.batchSize,
    ...(trainable ? { trainable } : {}),
    pointer,
    pointers: {
      optimizer: stage.optimizer ? `${pointer}/optimizer` : previous.pointers.optimizer,
      scheduler: stage.scheduler ? `${pointer}/scheduler` : previous.pointers.scheduler,
    },
  };
}

/** The student's architecture from its initial weights on hard labels alone, with the distillation stages' budget. */
function baselinePlan(experiment: ResolvedExperiment, stepsOf: string[]): StagePlan {
  return { name: 'baseline', kind: 'baseline', losses: [], ...studentTraining(experiment), budget: { stepsOf }, pointer: '/training/baseline' };
}
