// The one stage runner: for any plan — a teacher, a distillation stage, the baseline — build its optimizer and
// scheduler, take its loss terms (hard labels for a teacher or the baseline), freeze what it keeps frozen, train
// (`training/train-stage.ts`, which evaluates on the validation split as it goes), and dispose what it built.
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { SampleSource } from '../../plugins/dataset-plugin.js';
import { deriveSeed } from '../../random/seeded-random.js';
import { batchCount } from '../../training/batches.js';
import { hardLabelTermFor } from '../../training/hard-label-term.js';
import type { LossTerm } from '../../training/loss-term.js';
import { createStageState, trainStage, type StageConfig, type StageHooks, type StageResult, type StageState, type StageTeacher } from '../../training/train-stage.js';
import type { PreparedRun } from './prepare-run.js';
import type { StageOutcome, StagePlan } from './stage-plan.js';
import { freezeLayers } from './trainable-layers.js';

/** What a stage runs against: the prepared run, what the stages before it produced, and the models and teachers. */
export interface StageContext {
  readonly prepared: PreparedRun;
  /** The outcomes of the stages run so far, in order (a baseline's budget counts their steps). */
  readonly outcomes: readonly StageOutcome[];
  /** The model a plan trains: the student, a teacher, or for the baseline a fresh student from its initial weights. */
  model(plan: StagePlan): Promise<DistillModel>;
  /** The frozen teachers a stage's terms use (and reports agreement with); `online`: they run on every batch. */
  stageTeachers(plan: StagePlan, terms: readonly LossTerm[], online: boolean): Promise<StageTeacher[]>;
}

/**
 * `onStageStart` hands the stage's state to whoever needs it (a checkpoint restores into it, or saves from it);
 * `onStageEnd` may change what the stage ends with (early stopping's best weights) and says so in the result.
 */
export type RunnerHooks = StageHooks & {
  onStageStart?(state: StageState, plan: StagePlan): void | Promise<void>;
  onStageEnd?(state: StageState, plan: StagePlan, result: StageResult): StageResult | Promise<StageResult>;
};

export async function runStage(plan: StagePlan, context: StageContext, hooks: RunnerHooks): Promise<StageOutcome> {
  const { prepared } = context;
  const model = await context.model(plan);
  const terms = plan.kind === 'distill' ? prepared.termsOf(plan) : [hardLabelTermFor(prepared.layout.task)];
  const optimizer = await prepared.components.optimizer(plan.optimizer, plan.pointers.optimizer);
  try {
    const config: StageConfig = {
      stage: plan.name,
      model,
      terms,
      optimizer,
      schedule: await prepared.components.scheduler(plan.scheduler, plan.pointers.scheduler),
      train: await trainingSplit(plan, prepared),
      ...(prepared.splits.validation ? { validation: prepared.splits.validation } : {}),
      layout: prepared.layout,
      epochs: plan.epochs,
      batchSize: plan.batchSize,
      shuffle: plan.shuffle,
      seed: deriveSeed(prepared.experiment.seed, `shuffle:${orderName(plan)}`),
      evalEvery: plan.evalEvery,
      teachers: await context.stageTeachers(plan, terms, hooks.transformBatch !== undefined),
      role: plan.kind === 'teacher' ? 'teacher' : 'student',
      ...budget(plan, context),
    };
    const state = createStageState(config);
    await hooks.onStageStart?.(state, plan);
    const thaw = freezeLayers(model, plan.trainable?.freeze);
    try {
      const result = await trainStage(config, hooks, state);
      return { plan, result: (await hooks.onStageEnd?.(state, plan, result)) ?? result };
    } finally {
      thaw();
    }
  } finally {
    optimizer.dispose();
  }
}

/** What a stage trains on: a teacher its own labelled data, a distillation stage every sample, the baseline labels. */
async function trainingSplit(plan: StagePlan, prepared: PreparedRun): Promise<SampleSource> {
  if (plan.kind === 'distill') return prepared.splits.train;
  if (plan.kind === 'teacher' && prepared.splits.teacherTrain) return prepared.splits.teacherTrain;
  return prepared.splits.labelledTrain();
}

// The baseline reads its data in the student's order (it is the student's control), every other stage in its own.
function orderName(plan: StagePlan): string {
  return plan.kind === 'baseline' ? 'student' : plan.name;
}

/** The baseline's budget: the steps its stages took, with the learning-rate schedule counting epochs as they did. */
function budget(plan: StagePlan, context: StageContext): Pick<StageConfig, 'maxSteps' | 'scheduleStepsPerEpoch'> {
  if (!plan.budget) return {};
  return { maxSteps: budgetSteps(plan, context.outcomes), scheduleStepsPerEpoch: batchCount(context.prepared.splits.train.count, plan.batchSize) };
}

/** How many steps a plan with a budget gets: the steps its `stepsOf` stages took together. */
export function budgetSteps(plan: StagePlan, outcomes: readonly StageOutcome[]): number {
  return outcomes.filter((o) => plan.budget?.stepsOf.includes(o.plan.name)).reduce((sum, o) => sum + o.result.steps, 0);
}
