// The manifest's `training.earlyStopping` around the distillation stages: after each validation the stage's metric is
// judged (`training/early-stopping.ts`); the stage stops after `patience` validations without improvement, and with
// `restoreBest` it ends with the weights (and the losses' variables) it had at its best validation. The judgement
// and the best weights are what a checkpoint saves of it. A stage stopped by something else (a sweep's early
// termination) is said to be so in its result.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../errors.js';
import {
  INITIAL_EARLY_STOPPING,
  judgeValidation,
  validationKey,
  type EarlyStoppingSettings,
  type EarlyStoppingState,
} from '../../training/early-stopping.js';
import type { StageState } from '../../training/train-stage.js';
import type { RunnerHooks } from './run-stage.js';

/** What early stopping knows of one stage: the judgement, and the validation metrics of its best epoch. */
export interface StageStopping extends EarlyStoppingState {
  readonly bestValidation?: Readonly<Record<string, number>>;
}

export const DEFAULT_EARLY_STOPPING: EarlyStoppingSettings = { metric: 'val/loss', mode: 'min', minDelta: 0, restoreBest: false };

export class EarlyStopping {
  readonly stages = new Map<string, StageStopping>();
  /** Per stage, the model's weights then the losses' variables at its best validation (with `restoreBest`). */
  readonly bestWeights = new Map<string, tf.Tensor[]>();
  /** The stage whose last judgement was an improvement (the checkpoint written then is the best one). */
  improvedAt?: { stage: string; epoch: number };
  private readonly stopped = new Set<string>();
  private readonly current = new Map<string, StageState>();

  constructor(
    readonly settings: EarlyStoppingSettings,
    /** The stages judged: the distillation stages. */
    private readonly judged: ReadonlySet<string>,
    private readonly log: { info(message: string): void },
    /** Whether the manifest asked for it (else it only tracks the best validation, for the best checkpoint). */
    private readonly configured = true,
  ) {}

  wrap(hooks: RunnerHooks): RunnerHooks {
    return {
      ...hooks,
      onStageStart: async (state, plan) => {
        this.current.set(plan.name, state);
        await hooks.onStageStart?.(state, plan);
      },
      onEpochEnd: async (stage, epoch, metrics) => {
        const decision = await hooks.onEpochEnd?.(stage, epoch, metrics);
        this.improvedAt = undefined;
        if (!this.judged.has(stage) || Object.keys(metrics).length === 0) return decision;
        const key = validationKey(this.settings);
        if (!(key in metrics)) {
          throw new UserError(`training.earlyStopping.metric: stage "${stage}" reports no "${this.settings.metric}"`, {
            hint: `its validation metrics are ${Object.keys(metrics).map((k) => `val/${k}`).join(', ')}`,
          });
        }
        const judged = judgeValidation(this.settings, this.stages.get(stage) ?? INITIAL_EARLY_STOPPING, epoch, metrics[key]);
        this.stages.set(stage, { ...judged.state, bestValidation: judged.improved ? { ...metrics } : this.stages.get(stage)?.bestValidation });
        if (judged.improved) {
          this.improvedAt = { stage, epoch };
          if (this.settings.restoreBest) this.keepBest(stage);
        }
        if (judged.stop && decision !== 'stop') {
          this.stopped.add(stage);
          this.log.info(`${stage} stage: ${this.settings.metric} has not improved for ${judged.state.wait} validations; stopping after epoch ${epoch + 1} (best: epoch ${judged.state.bestEpoch + 1}, ${judged.state.best})`);
          return 'stop';
        }
        return decision;
      },
      onStageEnd: async (state, plan, ended) => {
        const result = (await hooks.onStageEnd?.(state, plan, ended)) ?? ended;
        const stoppedBy = !result.stoppedEarly ? undefined : this.stopped.has(plan.name) ? ('early-stopping' as const) : ('early-termination' as const);
        const judged = this.stages.get(plan.name);
        const best = this.bestWeights.get(plan.name);
        if (!this.settings.restoreBest || !judged || !best || !this.judged.has(plan.name)) {
          return { ...result, ...(stoppedBy ? { stoppedBy } : {}), ...(this.judged.has(plan.name) && this.configured ? { weightsEpoch: result.epochs } : {}) };
        }
        restoreWeights(state, best);
        state.lastValidation = { ...(judged.bestValidation ?? state.lastValidation) };
        this.log.info(`${plan.name} stage: restored the weights of epoch ${judged.bestEpoch + 1} (${this.settings.metric} ${judged.best})`);
        return { ...result, ...(stoppedBy ? { stoppedBy } : {}), weightsEpoch: judged.bestEpoch + 1, lastValidation: state.lastValidation };
      },
    };
  }

  /** Marks a stage as stopped by early stopping (a resumed stage that had stopped). */
  markStopped(stage: string): void {
    this.stopped.add(stage);
  }

  /** The stages early stopping stopped. */
  get stoppedStages(): ReadonlySet<string> {
    return this.stopped;
  }

  dispose(): void {
    for (const tensors of this.bestWeights.values()) tf.dispose(tensors);
    this.bestWeights.clear();
  }

  private keepBest(stage: string): void {
    const state = this.current.get(stage);
    if (!state) return;
    tf.dispose(this.bestWeights.get(stage) ?? []);
    this.bestWeights.set(stage, [...state.model.model.getWeights(), ...state.lossVariables].map((t) => t.clone()));
  }
}

/** Assigns saved weights (the model's, then the losses' variables) to a stage's model and variables. */
export function restoreWeights(state: StageState, tensors: readonly tf.Tensor[]): void {
  const weights = state.model.model.getWeights().length;
  state.model.model.setWeights(tensors.slice(0, weights));
  state.lossVariables.forEach((variable, i) => variable.assign(tensors[weights + i]));
}
