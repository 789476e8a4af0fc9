// One training stage (teacher, student or baseline): seeded epochs of mini-batch steps on the weighted sum of the
// stage's loss terms, with per-step metrics, periodic validation and NaN/interrupt checks.
import * as tf from '@tensorflow/tfjs';
import type { DataSplit } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { LearningRateSchedule } from '../plugins/scheduler-plugin.js';
import type { LossInputs } from '../plugins/loss-plugin.js';
import type { MetricPoint } from '../plugins/tracker-plugin.js';
import { valueAt } from '../schedules/scheduled-number.js';
import { batchCount, disposeBatch, epochBatches, epochOrder } from './batches.js';
import { computeTerm, type LossTerm } from './loss-term.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { tapModel } from './tapped-model.js';
import { teacherBatch, type TeacherOutputs } from './teacher-outputs.js';
import { evaluateSplit, argmaxRows, agreement } from '../evaluation/evaluate-split.js';
import { eventLoopYielder } from './event-loop-yield.js';

export type StageName = 'teacher' | 'student' | 'baseline';

export interface StageConfig {
  readonly stage: StageName;
  readonly model: DistillModel;
  readonly terms: readonly LossTerm[];
  readonly optimizer: DistillOptimizer;
  readonly schedule: LearningRateSchedule;
  readonly train: DataSplit;
  readonly validation?: DataSplit;
  readonly inputShape: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly evalEvery: number;
  /** The frozen teacher's outputs on `train` (and on `validation`, for agreement), when a term needs them. */
  readonly teacherTrain?: TeacherOutputs;
  readonly teacherValidation?: TeacherOutputs;
  /** Stop after this many steps (the baseline's budget); default: every batch of every epoch. */
  readonly maxSteps?: number;
  /** Steps per epoch as the learning-rate schedule counts them, when it must follow another stage's (the baseline). */
  readonly scheduleStepsPerEpoch?: number;
}

export interface StepProgress {
  readonly stage: StageName;
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepInEpoch: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly loss: number;
}

/** Where a stage stands right after an optimizer step (what `afterStep` hooks see). */
export interface StepState {
  readonly stage: StageName;
  readonly model: DistillModel;
  /** The step just taken, from 0. */
  readonly step: number;
  readonly epoch: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
}

export interface StageHooks {
  metrics(points: MetricPoint[]): Promise<void>;
  /** After each optimizer update, before the step's metrics (pruning re-applies its masks here). */
  afterStep?(state: StepState): void | Promise<void>;
  onStep?(progress: StepProgress): void;
  /** After each epoch's validation; returning 'stop' ends the stage early (sweep early termination). */
  onEpochEnd?(stage: StageName, epoch: number, metrics: Readonly<Record<string, number>>): Promise<void | 'stop'>;
  /** Checked between steps; throw to abort (an interrupt). */
  checkpoint?(): void;
}

export interface StageResult {
  readonly steps: number;
  readonly epochs: number;
  readonly stoppedEarly: boolean;
  readonly lastValidation: Readonly<Record<string, number>>;
}

export async function trainStage(config: StageConfig, hooks: StageHooks): Promise<StageResult> {
  const { stage, terms, optimizer, schedule, train, inputShape, batchSize } = config;
  const studentLayers = [...new Set(terms.flatMap((t) => t.loss.requires.studentLayers ?? []))];
  const tapped = tapModel(config.model, studentLayers, stage === 'teacher' ? 'teacher' : 'student');
  const variables = [
    ...config.model.model.trainableWeights.map((w) => w.read() as tf.Variable),
    ...terms.flatMap((t) => t.loss.variables ?? []),
  ];
  const stepsPerEpoch = batchCount(train.count, batchSize);
  const totalSteps = config.maxSteps ?? stepsPerEpoch * config.epochs;
  const epochs = Math.ceil(totalSteps / stepsPerEpoch);
  const scheduleContext = {
    baseLearningRate: optimizer.baseLearningRate,
    stepsPerEpoch: config.scheduleStepsPerEpoch ?? stepsPerEpoch,
    totalSteps,
  };
  let step = 0;
  let lastValidation: Record<string, number> = {};
  const yieldToEventLoop = eventLoopYielder();
  // The frozen teacher's validation predictions never change: taken once, compared with the model's every epoch.
  const teacherValidation = config.teacherValidation;
  const teacherPredictions = teacherValidation && argmaxRows(teacherValidation.logits.data, teacherValidation.logits.width);

  for (let epoch = 0; epoch < epochs && step < totalSteps; epoch++) {
    const weights = terms.map((t) => valueAt(t.weight, epoch, epochs));
    const scheduled = terms.map((t) => t.loss.scheduledValues?.(epoch, epochs) ?? {});
    const order = epochOrder(train.count, config.shuffle, config.seed, epoch);
    let stepInEpoch = 0;
    for (const batch of epochBatches(train, inputShape, batchSize, order)) {
      if (step >= totalSteps) {
        disposeBatch(batch);
        break;
      }
      hooks.checkpoint?.();
      const learningRate = schedule.learningRateAt(step, scheduleContext);
      optimizer.setLearningRate(learningRate);
      const teacher = config.teacherTrain ? teacherBatch(config.teacherTrain, batch.indices) : undefined;
      let values: Float32Array;
      try {
        values = runStep(config, tapped, variables, weights, batch, teacher, { epoch, step, epochs });
      } finally {
        disposeBatch(batch);
        if (teacher) tf.dispose([teacher.logits, ...Object.values(teacher.features)]);
      }
      checkFinite(stage, terms, values, step, epoch);
      await hooks.afterStep?.({ stage, model: config.model, step, epoch, stepsPerEpoch, totalSteps });
      const timestamp = Date.now();
      const point = (key: string, value: number): MetricPoint => ({ key: `${stage}/train/${key}`, value, step, epoch, timestamp });
      const points = [point('loss', values[0]), point('lr', learningRate)];
      terms.forEach((term, i) => {
        points.push(point(`loss/${term.name}`, values[i + 1]));
        points.push(point(`weight/${term.name}`, weights[i]));
        for (const [key, value] of Object.entries(scheduled[i])) points.push(point(`${key}/${term.name}`, value));
      });
      await hooks.metrics(points);
      await yieldToEventLoop();
      hooks.onStep?.({ stage, epoch, epochs, step, stepInEpoch, stepsPerEpoch, totalSteps, loss: values[0] });
      step++;
      stepInEpoch++;
    }
    const isLast = epoch === epochs - 1 || step >= totalSteps;
    if (config.validation && ((epoch + 1) % config.evalEvery === 0 || isLast)) {
      lastValidation = await validate(config, teacherPredictions, epoch, step, hooks);
      if ((await hooks.onEpochEnd?.(stage, epoch, lastValidation)) === 'stop') {
        return { steps: step, epochs: epoch + 1, stoppedEarly: true, lastValidation };
      }
    } else if ((await hooks.onEpochEnd?.(stage, epoch, {})) === 'stop') {
      return { steps: step, epochs: epoch + 1, stoppedEarly: true, lastValidation };
    }
  }
  return { steps: step, epochs, stoppedEarly: false, lastValidation };
}

/** One optimizer step; returns `[total, ...terms]` as plain numbers. */
function runStep(
  config: StageConfig,
  tapped: ReturnType<typeof tapModel>,
  variables: tf.Variable[],
  weights: number[],
  batch: ReturnType<typeof epochBatches> extends Generator<infer B> ? B : never,
  teacher: { logits: tf.Tensor2D; features: Record<string, tf.Tensor2D> } | undefined,
  position: { epoch: number; step: number; epochs: number },
): Float32Array {
  let termValues: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const { logits, features } = tapped.apply(batch.x, true);
    const inputs: LossInputs = {
      studentLogits: logits,
      teacherLogits: teacher?.logits,
      studentFeatures: features,
      teacherFeatures: teacher?.features ?? {},
      labels: batch.labels,
      labelMask: batch.labelMask,
      ...position,
    };
    termValues = config.terms.map((term) => tf.keep(computeTerm(term, inputs)));
    return termValues.reduce((sum, term, i) => sum.add(term.mul(weights[i])), tf.scalar(0)) as tf.Scalar;
  }, variables);
  config.optimizer.optimizer.applyGradients(grads);
  const stacked = tf.stack([value, ...termValues]);
  const values = stacked.dataSync() as Float32Array;
  tf.dispose([stacked, value, ...termValues, ...Object.values(grads)]);
  return values;
}

function checkFinite(stage: StageName, terms: readonly LossTerm[], values: Float32Array, step: number, epoch: number): void {
  for (let i = 1; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteLossError(stage, terms[i - 1].name, step, epoch, values[i], terms[i - 1].plugin);
  }
  if (!Number.isFinite(values[0])) throw new NonFiniteLossError(stage, 'total', step, epoch, values[0]);
}

async function validate(
  config: StageConfig,
  teacherPredictions: Int32Array | undefined,
  epoch: number,
  step: number,
  hooks: StageHooks,
): Promise<Record<string, number>> {
  const result = await evaluateSplit(config.model.model, config.validation!, config.inputShape);
  const metrics: Record<string, number> = { accuracy: result.accuracy, loss: result.loss };
  if (teacherPredictions) {
    metrics.agreement = agreement(result.predictions, teacherPredictions);
  }
  const timestamp = Date.now();
  await hooks.metrics(
    Object.entries(metrics).map(([key, value]) => ({ key: `${config.stage}/val/${key}`, value, step, epoch, timestamp })),
  );
  return metrics;
}
