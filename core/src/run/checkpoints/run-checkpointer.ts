// Checkpoints of a run in progress, and a run continued from one. Around the stage hooks, it writes a checkpoint at
// the end of every epoch of every stage (after its validation and the early-stopping judgement) and, with
// `training.checkpoint.everySteps`, every N optimizer steps: the weights of every model the run trains, the pruning masks, the losses'
// variables, the optimizer's slots (`getWeights()`), the stage cursor of every stage reached (step, epoch, step in the
// epoch — the data order is a function of the seed and the epoch), the learning rate, the seeded Math.random's
// positions, early stopping's state and best weights, and how far the journal was written. It keeps the last `keep`
// checkpoints and the best one.
//
// Resuming, the run is prepared again from the same manifest (the same initial weights, the same seeded draws), and
// as each stage starts the checkpoint's state is put back into it: a stage the checkpoint had finished ends at once,
// the one in progress goes on from the next step, and the run goes on as it would have without the interruption.
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { NamedVariable } from '../../io/model-files.js';
import { EVENTS_FILE, METRICS_FILE } from '../../tracking/run-journal.js';
import type { StageState } from '../../training/train-stage.js';
import type { PreparedRun } from '../pipeline/prepare-run.js';
import type { RunnerHooks } from '../pipeline/run-stage.js';
import type { StagePlan } from '../pipeline/stage-plan.js';
import type { EarlyStopping, StageStopping } from '../pipeline/early-stopping-hooks.js';
import { lossVariableEntries } from '../loss-variables.js';
import { checkpointName, listCheckpoints, pruneCheckpoints, removeUnfinishedWrites, writeCheckpoint, type LoadedCheckpoint } from './checkpoint-files.js';

/** Where a stage was when the checkpoint was written. */
export interface StageCursor {
  readonly step: number;
  readonly epoch: number;
  readonly stepInEpoch: number;
  readonly stopped: boolean;
  readonly learningRate: number;
  readonly lastValidation: Readonly<Record<string, number>>;
}

export interface CheckpointMeta {
  readonly createdAt: string;
  readonly reason: 'epoch' | 'steps';
  /** The stage in progress, and the cursor of every stage reached so far. */
  readonly stage: string;
  readonly stages: Readonly<Record<string, StageCursor>>;
  /** The seeded Math.random's positions: the run's, and the one the stage in progress draws from. */
  readonly random: { readonly run?: number; readonly stage?: number };
  /** How far the journal was written: its last sequence number and the sizes of its files. */
  readonly journal: { readonly seq: number; readonly eventsBytes: number; readonly metricsBytes: number };
  readonly earlyStopping: Readonly<Record<string, StageStopping>>;
  readonly stoppedByEarlyStopping: readonly string[];
  /** Names of the optimizer's own scalar variables saved besides its slots (Adam's `accBeta1`, `accBeta2`). */
  readonly optimizerFields: readonly string[];
  /** The manifest the run was started with, flattened (`training.epochs` → "4"): a resumed run must match it. */
  readonly params: Readonly<Record<string, string>>;
  /** How the run was started, for `distill run --resume`. */
  readonly invocation: RunInvocation;
  /** The best checkpoint so far (by early stopping's metric), kept besides the last ones. */
  readonly best?: string;
}

export interface RunInvocation {
  /** The manifest file (absolute). */
  readonly manifest: string;
  readonly overrides: readonly string[];
  readonly plugins: readonly string[];
  readonly cache: boolean;
  /** A sweep's trial: the sweep it belongs to (continued by `distill sweep --resume`, not `distill run --resume`). */
  readonly sweepId?: string;
}

export interface CheckpointSettings {
  readonly everySteps?: number;
  readonly keep: number;
}

export interface CheckpointerOptions {
  readonly runDir: string;
  readonly prepared: PreparedRun;
  readonly settings: CheckpointSettings;
  readonly params: Readonly<Record<string, string>>;
  readonly invocation: RunInvocation;
  readonly earlyStopping: EarlyStopping;
  /** The run's seeded Math.random (taken when training starts). */
  readonly runRandom?: { getState(): number; setState(state: number): void };
  readonly journalSeq: () => number;
  /** The baseline model, once it exists. */
  readonly baseline: () => tf.LayersModel | undefined;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** The student's pruner, with the manifest's `pruning`: its masks are saved and put back. */
  readonly pruner?: { masks(): NamedVariable[]; restoreMasks(tensors: ReadonlyMap<string, tf.Tensor>): void };
  /** The checkpoint a resumed run continues from. */
  readonly resumeFrom?: LoadedCheckpoint<CheckpointMeta>;
}

export class RunCheckpointer {
  private readonly states = new Map<string, StageState>();
  private current?: StageState;
  private ordinal: number;
  private best?: string;
  private written = 0;

  constructor(private readonly options: CheckpointerOptions) {
    removeUnfinishedWrites(options.runDir);
    const existing = listCheckpoints(options.runDir);
    this.ordinal = existing.length ? Number(existing.at(-1)!.slice('ckpt-'.length)) : 0;
    this.best = options.resumeFrom?.meta.best;
    const from = options.resumeFrom;
    if (from) {
      // The run's own generator goes back to where it was; each stage's is put back as the stage starts.
      if (from.meta.random.run !== undefined) options.runRandom?.setState(from.meta.random.run);
      for (const [stage, stopping] of Object.entries(from.meta.earlyStopping)) options.earlyStopping.stages.set(stage, stopping);
      for (const stage of from.meta.stoppedByEarlyStopping) options.earlyStopping.markStopped(stage);
      // The pruning masks: the schedule's position is the stage's step, put back with the stage.
      options.pruner?.restoreMasks(from.tensors);
      for (const stage of Object.keys(from.meta.earlyStopping)) {
        const best = [...from.tensors.keys()].filter((name) => name.startsWith(`best/${stage}/`)).sort(byIndex).map((name) => from.tensors.get(name)!.clone());
        if (best.length) options.earlyStopping.bestWeights.set(stage, best);
      }
    }
  }

  /** How many checkpoints this process wrote. */
  get count(): number {
    return this.written;
  }

  wrap(hooks: RunnerHooks): RunnerHooks {
    return {
      ...hooks,
      onStageStart: async (state, plan) => {
        this.states.set(plan.name, state);
        this.current = state;
        await hooks.onStageStart?.(state, plan);
        await this.restoreStage(state, plan);
      },
      afterStep: async (state) => {
        await hooks.afterStep?.(state);
        const every = this.options.settings.everySteps;
        if (every && state.step % every === 0 && state.step < state.totalSteps) await this.save('steps');
      },
      onEpochEnd: async (stage, epoch, metrics) => {
        const decision = await hooks.onEpochEnd?.(stage, epoch, metrics);
        const state = this.states.get(stage);
        if (state) {
          if (decision === 'stop') state.stopped = true;
          const improved = this.options.earlyStopping.improvedAt;
          await this.save('epoch', { epoch: decision === 'stop' ? epoch : epoch + 1, improved: improved?.stage === stage });
        }
        return decision;
      },
    };
  }

  /** Writes a checkpoint of where the run is now. */
  private async save(reason: CheckpointMeta['reason'], epochEnd?: { epoch: number; improved: boolean }): Promise<void> {
    const state = this.current!;
    const name = checkpointName(++this.ordinal);
    const cursors = Object.fromEntries([...this.states].map(([stage, s]) => [stage, cursorOf(s, s === state ? epochEnd?.epoch : undefined)]));
    if (epochEnd?.improved) this.best = name;
    const { tensors, optimizerFields, dispose } = await this.tensors(state);
    const runDir = this.options.runDir;
    const meta: CheckpointMeta = {
      createdAt: new Date().toISOString(),
      reason,
      stage: state.stage,
      stages: cursors,
      random: { run: this.options.runRandom?.getState(), stage: state.random?.getState() },
      journal: { seq: this.options.journalSeq(), eventsBytes: sizeOf(join(runDir, EVENTS_FILE)), metricsBytes: sizeOf(join(runDir, METRICS_FILE)) },
      earlyStopping: Object.fromEntries(this.options.earlyStopping.stages),
      stoppedByEarlyStopping: [...this.options.earlyStopping.stoppedStages],
      optimizerFields,
      params: this.options.params,
      invocation: this.options.invocation,
      ...(this.best ? { best: this.best } : {}),
    };
    try {
      await writeCheckpoint(runDir, name, meta, tensors);
    } finally {
      dispose();
    }
    this.written++;
    pruneCheckpoints(runDir, this.options.settings.keep, new Set(this.best ? [this.best] : []));
  }

  /** Every tensor a checkpoint holds, by name. */
  private async tensors(state: StageState): Promise<{ tensors: NamedVariable[]; optimizerFields: string[]; dispose: () => void }> {
    const { prepared } = this.options;
    const tensors: NamedVariable[] = [];
    const models: [string, tf.LayersModel | undefined][] = [
      ['student', prepared.student.model],
      ...prepared.teachers.filter((t) => t.model && !t.model.pretrained).map((t): [string, tf.LayersModel] => [`teacher:${t.name}`, t.model!.model]),
      ['baseline', this.options.baseline()],
    ];
    for (const [key, model] of models) model?.getWeights().forEach((w, i) => tensors.push({ name: `model/${key}/${i}`, tensor: w }));
    for (const entry of lossVariableEntries(prepared)) tensors.push({ name: `loss/${entry.name}`, tensor: entry.tensor });
    const slots = await state.optimizer.optimizer.getWeights();
    slots.forEach((slot, i) => tensors.push({ name: `optimizer/${i}/${slot.name}`, tensor: slot.tensor }));
    const fields = optimizerScalars(state.optimizer.optimizer);
    for (const [field, variable] of fields) tensors.push({ name: `optimizer-field/${field}`, tensor: variable });
    for (const mask of this.options.pruner?.masks() ?? []) tensors.push(mask);
    for (const [stage, best] of this.options.earlyStopping.bestWeights) best.forEach((t, i) => tensors.push({ name: `best/${stage}/${i}`, tensor: t }));
    // getWeights() makes the iteration count a new tensor; the slots themselves are the optimizer's variables.
    const made = slots.map((s) => s.tensor).filter((t) => !(t instanceof tf.Variable));
    return { tensors, optimizerFields: fields.map(([field]) => field), dispose: () => tf.dispose(made) };
  }

  /** Puts the checkpoint's state back into a stage as it starts (a resumed run). */
  private async restoreStage(state: StageState, plan: StagePlan): Promise<void> {
    const from = this.options.resumeFrom;
    const cursor = from?.meta.stages[plan.name];
    if (!from || !cursor) return;
    const key = plan.model === 'student' ? (plan.kind === 'baseline' ? 'baseline' : 'student') : `teacher:${plan.model.teacher}`;
    const weights = [...from.tensors.keys()].filter((name) => name.startsWith(`model/${key}/`)).sort(byIndex).map((name) => from.tensors.get(name)!);
    if (weights.length) state.model.model.setWeights(weights);
    for (const entry of lossVariableEntries(this.options.prepared)) {
      const saved = from.tensors.get(`loss/${entry.name}`);
      if (saved) (entry.tensor as tf.Variable).assign(saved);
    }
    state.step = cursor.step;
    state.epoch = cursor.epoch;
    state.stepInEpoch = cursor.stepInEpoch;
    state.stopped = cursor.stopped;
    state.lastValidation = { ...cursor.lastValidation };
    state.schedule.learningRate = cursor.learningRate;
    if (plan.name !== from.meta.stage) return;
    // The stage in progress: its optimizer's slots and its generator's position.
    const slots = [...from.tensors.keys()].filter((name) => name.startsWith('optimizer/')).sort(byIndex);
    if (slots.length) await state.optimizer.optimizer.setWeights(slots.map((name) => ({ name: name.split('/').slice(2).join('/'), tensor: from.tensors.get(name)! })));
    // setWeights recomputes some of the optimizer's own scalars (Adam's beta powers) in a way that is not bit-identical
    // to the running products the optimizer keeps; they are put back as they were.
    const fields = new Map(optimizerScalars(state.optimizer.optimizer));
    for (const field of from.meta.optimizerFields) {
      const saved = from.tensors.get(`optimizer-field/${field}`);
      if (saved) fields.get(field)?.assign(saved);
    }
    if (from.meta.random.stage !== undefined) state.random?.setState(from.meta.random.stage);
    this.options.log.info(`${plan.name} stage: resumed at step ${cursor.step} (epoch ${cursor.epoch + 1}, step ${cursor.stepInEpoch} of the epoch) from ${from.name}`);
  }
}

function cursorOf(state: StageState, epochEnded?: number): StageCursor {
  return {
    step: state.step,
    epoch: epochEnded ?? state.epoch,
    stepInEpoch: epochEnded !== undefined ? 0 : state.stepInEpoch,
    stopped: state.stopped,
    learningRate: state.schedule.learningRate,
    lastValidation: { ...state.lastValidation },
  };
}

/** The optimizer's own scalar variables (not its per-weight slots), by field name. */
function optimizerScalars(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer as unknown as Record<string, unknown>)
    .filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable && entry[1].rank === 0)
    .sort(([a], [b]) => a.localeCompare(b));
}

// `model/student/12` after `model/student/2`: by the index after the prefix.
function byIndex(a: string, b: string): number {
  const index = (name: string) => Number(name.split('/').find((segment) => /^\d+$/.test(segment)) ?? 0);
  return index(a) - index(b);
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
