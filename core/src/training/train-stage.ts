// One training stage (a teacher, a distillation stage, the baseline): seeded epochs of mini-batch steps on the
// weighted sum of the stage's loss terms, with per-step metrics, periodic validation, NaN/interrupt checks, and hooks
// around every step. Everything a checkpoint needs is kept in one `StageState`.
import * as tf from '@tensorflow/tfjs';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { LearningRateSchedule, ScheduleContext } from '../plugins/scheduler-plugin.js';
import type { LossInputs, TeacherInputs } from '../plugins/loss-plugin.js';
import type { MetricPoint } from '../plugins/tracker-plugin.js';
import type { SampleLayout } from '../data/sample-layout.js';
import { valueAt } from '../schedules/scheduled-number.js';
import { currentMathRandom } from '../random/seeded-math-random.js';
import { batchCount, disposeBatch, epochBatches, epochOrder, type Batch } from './batches.js';
import { computeTerm, type LossTerm } from './loss-term.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { tapModel, type TappedModel } from './tapped-model.js';
import { scoresOf, teacherBatch, teacherTensors, type TeacherOutputs, type TeacherPredictor } from './teacher-outputs.js';
import { evaluateSplit, argmaxRows, agreement, thresholdRows } from '../evaluation/evaluate-split.js';
import { eventLoopYielder } from './event-loop-yield.js';

/** A stage's name: its metric prefix (`teacher`, `student`, `baseline`, a user stage's name, `teacher/<name>`). */
export type StageName = string;

/** A frozen teacher as a stage sees it: outputs precomputed on the data, and how to run it on a changed batch. */
export interface StageTeacher {
  readonly name: string;
  /** The layers the stage's terms tap on this teacher. */
  readonly layers: readonly string[];
  /** Its outputs on `train`, by position, when a term uses it. */
  readonly train?: TeacherOutputs;
  /** Its outputs on `validation`: the stage reports the model's agreement with it under `agreementKey`. */
  readonly validation?: TeacherOutputs;
  readonly agreementKey: string;
  /** Runs it on a batch (inference, the tapped layers): used when `transformBatch` changes the batches. */
  readonly predict?: TeacherPredictor;
}

export interface StageConfig {
  readonly stage: StageName;
  readonly model: DistillModel;
  readonly terms: readonly LossTerm[];
  readonly optimizer: DistillOptimizer;
  readonly schedule: LearningRateSchedule;
  readonly train: SampleSource;
  readonly validation?: SampleSource;
  readonly layout: SampleLayout;
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly evalEvery: number;
  /** The teachers the terms use (and those the stage reports agreement with). */
  readonly teachers?: readonly StageTeacher[];
  /** Stop after this many steps (the baseline's budget); default: every batch of every epoch. */
  readonly maxSteps?: number;
  /** Steps per epoch as the learning-rate schedule counts them, when it must follow another stage's (the baseline). */
  readonly scheduleStepsPerEpoch?: number;
  /** Whose layers the terms tap, for messages: 'teacher' or 'student'. */
  readonly role?: 'teacher' | 'student';
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

/**
 * Everything of a stage in progress that a checkpoint needs to continue it: where it is, the optimizer (its slot
 * variables: `optimizer.optimizer.getWeights()`), the learning-rate schedule's position, the seeded Math.random's
 * position, the data order (a function of `order.seed`, `order.shuffle` and the epoch), and the trained variables.
 */
export interface StageState {
  readonly stage: StageName;
  /** Optimizer steps completed in this stage (the index of the next step). */
  step: number;
  /** The epoch in progress, 0-based. */
  epoch: number;
  /** Steps completed in the epoch in progress. */
  stepInEpoch: number;
  readonly epochs: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly model: DistillModel;
  readonly optimizer: DistillOptimizer;
  readonly lossVariables: readonly tf.Variable[];
  readonly schedule: ScheduleContext & { learningRate: number };
  readonly order: { readonly seed: number; readonly shuffle: boolean; readonly count: number };
  /** The seeded Math.random in force (dropout masks draw from it), when the run seeded one. */
  readonly random?: { getState(): number; setState(state: number): void };
  /** The last validation's metrics. */
  lastValidation: Record<string, number>;
}

export interface StageHooks {
  metrics(points: MetricPoint[]): Promise<void>;
  onStep?(progress: StepProgress): void;
  /** After each epoch's validation; returning 'stop' ends the stage early (sweep early termination). */
  onEpochEnd?(stage: StageName, epoch: number, metrics: Readonly<Record<string, number>>): Promise<void | 'stop'>;
  /** Checked between steps; throw to abort (an interrupt). */
  checkpoint?(): void;
  /** After each optimizer update, with the state after it (pruning re-applies its masks here). */
  afterStep?(state: StageState): void | Promise<void>;
  /**
   * Before each step: the batch to train on instead of `batch` (augmentation). The trainer disposes both. When set,
   * every teacher runs on the transformed batch at every step instead of using its precomputed outputs.
   */
  transformBatch?(batch: Batch, step: number): Batch | Promise<Batch>;
}

export interface StageResult {
  readonly steps: number;
  readonly epochs: number;
  readonly stoppedEarly: boolean;
  readonly lastValidation: Readonly<Record<string, number>>;
}

/** The state a stage starts from: step 0 of epoch 0 with the stage's optimizer, schedule and data order. */
export function createStageState(config: StageConfig): StageState {
  const stepsPerEpoch = batchCount(config.train.count, config.batchSize);
  const totalSteps = config.maxSteps ?? stepsPerEpoch * config.epochs;
  return {
    stage: config.stage,
    step: 0,
    epoch: 0,
    stepInEpoch: 0,
    epochs: Math.ceil(totalSteps / stepsPerEpoch),
    totalSteps,
    stepsPerEpoch,
    model: config.model,
    optimizer: config.optimizer,
    lossVariables: config.terms.flatMap((t) => t.loss.variables ?? []),
    schedule: { baseLearningRate: config.optimizer.baseLearningRate, stepsPerEpoch: config.scheduleStepsPerEpoch ?? stepsPerEpoch, totalSteps, learningRate: NaN },
    order: { seed: config.seed, shuffle: config.shuffle, count: config.train.count },
    random: currentMathRandom(),
    lastValidation: {},
  };
}

export async function trainStage(config: StageConfig, hooks: StageHooks, state: StageState = createStageState(config)): Promise<StageResult> {
  const { stage, terms, optimizer, schedule, train, batchSize } = config;
  const studentLayers = [...new Set(terms.flatMap((t) => t.loss.requires.studentLayers ?? []))];
  const tapped = tapModel(config.model, studentLayers, config.role ?? 'student');
  const variables = [...config.model.model.trainableWeights.map((w) => w.read() as tf.Variable), ...state.lossVariables];
  const { epochs, totalSteps, stepsPerEpoch } = state;
  const scheduleContext: ScheduleContext = { baseLearningRate: state.schedule.baseLearningRate, stepsPerEpoch: state.schedule.stepsPerEpoch, totalSteps };
  const usedTeachers = (config.teachers ?? []).filter((t) => terms.some((term) => term.teachers.includes(t.name)));
  const online = hooks.transformBatch !== undefined;
  const yieldToEventLoop = eventLoopYielder();
  // The frozen teachers' validation predictions never change: taken once, compared with the model's every epoch.
  const teacherPredictions = validationPredictions(config);

  for (; state.epoch < epochs && state.step < totalSteps; state.epoch++) {
    const epoch = state.epoch;
    const weights = terms.map((t) => valueAt(t.weight, epoch, epochs));
    const scheduled = terms.map((t) => t.loss.scheduledValues?.(epoch, epochs) ?? {});
    const order = epochOrder(train.count, config.shuffle, config.seed, epoch);
    state.stepInEpoch = 0;
    const batches = epochBatches(train, config.layout, batchSize, order, `${stage} stage, training split`);
    for await (const read of batches) {
      const step = state.step;
      if (step >= totalSteps) {
        disposeBatch(read);
        break;
      }
      let batch = read;
      let teachers: Record<string, TeacherInputs> = {};
      let values: Float32Array;
      try {
        hooks.checkpoint?.();
        const learningRate = schedule.learningRateAt(step, scheduleContext);
        state.schedule.learningRate = learningRate;
        optimizer.setLearningRate(learningRate);
        if (hooks.transformBatch) batch = await hooks.transformBatch(read, step);
        teachers = await teacherInputs(usedTeachers, batch, online);
        values = runStep(config, tapped, variables, weights, batch, teachers, { epoch, step, epochs });
      } finally {
        disposeBatch(read);
        if (batch !== read) disposeBatch(batch);
        tf.dispose(Object.values(teachers).flatMap(teacherTensors));
      }
      checkFinite(stage, terms, values, step, epoch);
      const timestamp = Date.now();
      const point = (key: string, value: number): MetricPoint => ({ key: `${stage}/train/${key}`, value, step, epoch, timestamp });
      const points = [point('loss', values[0]), point('lr', state.schedule.learningRate)];
      terms.forEach((term, i) => {
        points.push(point(`loss/${term.name}`, values[i + 1]));
        points.push(point(`weight/${term.name}`, weights[i]));
        for (const [key, value] of Object.entries(scheduled[i])) points.push(point(`${key}/${term.name}`, value));
      });
      await hooks.metrics(points);
      state.step++;
      state.stepInEpoch++;
      await hooks.afterStep?.(state);
      await yieldToEventLoop();
      hooks.onStep?.({ stage, epoch, epochs, step, stepInEpoch: state.stepInEpoch - 1, stepsPerEpoch, totalSteps, loss: values[0] });
    }
    const isLast = epoch === epochs - 1 || state.step >= totalSteps;
    let reported: Record<string, number> = {};
    if (config.validation && ((epoch + 1) % config.evalEvery === 0 || isLast)) {
      state.lastValidation = await validate(config, teacherPredictions, epoch, state.step, hooks);
      reported = state.lastValidation;
    }
    if ((await hooks.onEpochEnd?.(stage, epoch, reported)) === 'stop') {
      return { steps: state.step, epochs: epoch + 1, stoppedEarly: true, lastValidation: state.lastValidation };
    }
  }
  return { steps: state.step, epochs, stoppedEarly: false, lastValidation: state.lastValidation };
}

/** Each used teacher's outputs for the batch: sliced from its precomputed outputs, or computed on the batch itself. */
async function teacherInputs(teachers: readonly StageTeacher[], batch: Batch, online: boolean): Promise<Record<string, TeacherInputs>> {
  const inputs: Record<string, TeacherInputs> = {};
  for (const teacher of teachers) {
    if (online && teacher.predict) {
      const predicted = await teacher.predict({ inputs: batch.x, sampleIds: batch.sampleIds });
      inputs[teacher.name] = { ...predicted, features: Object.fromEntries(teacher.layers.map((name) => [name, predicted.features[name]])) };
    } else if (teacher.train) {
      inputs[teacher.name] = teacherBatch(teacher.train, batch.indices, teacher.layers);
    } else {
      throw new Error(`teacher "${teacher.name}" has neither outputs on the training split nor a way to run on a batch`);
    }
  }
  return inputs;
}

/** One optimizer step; returns `[total, ...terms]` as plain numbers. */
function runStep(
  config: StageConfig,
  tapped: TappedModel,
  variables: tf.Variable[],
  weights: number[],
  batch: Batch,
  teachers: Readonly<Record<string, TeacherInputs>>,
  position: { epoch: number; step: number; epochs: number },
): Float32Array {
  let termValues: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const { logits, features } = tapped.apply(batch.x, true);
    const shared = {
      studentLogits: logits,
      studentFeatures: features,
      labels: batch.labels,
      labelMask: batch.labelMask,
      sampleIds: batch.sampleIds,
      ...(batch.targets ? { targets: batch.targets } : {}),
      ...position,
    };
    termValues = config.terms.map((term) => tf.keep(computeTerm(term, termInputs(shared, term, teachers), config.stage)));
    return termValues.reduce((sum, term, i) => sum.add(term.mul(weights[i])), tf.scalar(0)) as tf.Scalar;
  }, variables);
  config.optimizer.optimizer.applyGradients(grads);
  const stacked = tf.stack([value, ...termValues]);
  const values = stacked.dataSync() as Float32Array;
  tf.dispose([stacked, value, ...termValues, ...Object.values(grads)]);
  return values;
}

/** What one term receives: the shared student side and batch, plus its own teachers (the first one's as `teacher…`). */
function termInputs(shared: Omit<LossInputs, 'teacherLogits' | 'teacherFeatures' | 'teachers'>, term: LossTerm, teachers: Readonly<Record<string, TeacherInputs>>): LossInputs {
  const own = Object.fromEntries(term.teachers.filter((name) => teachers[name]).map((name) => [name, teachers[name]]));
  const first = term.teachers.length ? teachers[term.teachers[0]] : undefined;
  return { ...shared, teacherLogits: first?.logits, teacherFeatures: first?.features ?? {}, teachers: own };
}

function checkFinite(stage: StageName, terms: readonly LossTerm[], values: Float32Array, step: number, epoch: number): void {
  for (let i = 1; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteLossError(stage, terms[i - 1].name, step, epoch, values[i], terms[i - 1].plugin);
  }
  if (!Number.isFinite(values[0])) throw new NonFiniteLossError(stage, 'total', step, epoch, values[0]);
}

/** Each teacher's decisions on the validation split, keyed by the metric its agreement is reported under. */
function validationPredictions(config: StageConfig): { key: string; predictions: Int32Array }[] {
  return (config.teachers ?? []).flatMap((teacher) => {
    const scores = teacher.validation && scoresOf(teacher.validation);
    if (!scores) return [];
    const kind = teacher.validation!.logits ? 'logits' : 'probabilities';
    const predictions = config.layout.task === 'multilabel' ? thresholdRows(scores.data, kind) : argmaxRows(scores.data, scores.width);
    return [{ key: teacher.agreementKey, predictions }];
  });
}

async function validate(
  config: StageConfig,
  teacherPredictions: readonly { key: string; predictions: Int32Array }[],
  epoch: number,
  step: number,
  hooks: StageHooks,
): Promise<Record<string, number>> {
  const result = await evaluateSplit(config.model.model, config.validation!, config.layout);
  const metrics: Record<string, number> = { accuracy: result.accuracy, loss: result.loss };
  for (const { key, predictions } of teacherPredictions) metrics[key] = agreement(result.predictions, predictions);
  const timestamp = Date.now();
  await hooks.metrics(
    Object.entries(metrics).map(([key, value]) => ({ key: `${config.stage}/val/${key}`, value, step, epoch, timestamp })),
  );
  return metrics;
}
