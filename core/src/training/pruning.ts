// Magnitude pruning during a stage (Zhu & Gupta, "To prune, or not to prune", 2017): at every `frequency` steps between
// `startEpoch` and `endEpoch`, the smallest-magnitude weights of each pruned kernel are set to zero, the fraction
// following s(t) = final + (initial - final) · (1 - t)^power with t going from 0 to 1; the masks are re-applied after
// every optimizer step, because an optimizer with momentum (Adam) would otherwise move a pruned weight off zero; after
// `endEpoch` the masks stay fixed and the remaining steps fine-tune the pruned model. `scope: global` takes one
// threshold over all pruned kernels instead of one per kernel. The trainer calls it through `StageHooks.afterStep`.
import * as tf from '@tensorflow/tfjs';
import type { MetricPoint } from '../plugins/tracker-plugin.js';
import type { StageHooks, StageState } from './train-stage.js';

/** The manifest's `pruning` section (its schema's defaults may be absent here). */
export interface Pruning {
  readonly initialSparsity?: number;
  readonly finalSparsity: number;
  readonly startEpoch?: number;
  readonly endEpoch?: number;
  readonly frequency?: number;
  readonly power?: number;
  readonly scope?: 'layer' | 'global';
  readonly layers?: readonly string[];
}

interface PrunedKernel {
  readonly layer: string;
  readonly variable: tf.LayerVariable;
  mask?: tf.Tensor;
}

export interface PruningSchedule {
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly startStep: number;
  readonly endStep: number;
  readonly frequency: number;
  readonly power: number;
}

/** The sparsity the schedule asks for after step `step`. */
export function targetSparsity(schedule: PruningSchedule, step: number): number {
  const { initialSparsity: initial, finalSparsity: final, startStep, endStep, power } = schedule;
  if (step <= startStep) return initial;
  if (step >= endStep) return final;
  const t = (step - startStep) / (endStep - startStep);
  return final + (initial - final) * (1 - t) ** power;
}

/** Whether the masks are recomputed after step `step` (else only re-applied). */
export function isUpdateStep(schedule: PruningSchedule, step: number): boolean {
  if (step < schedule.startStep || step > schedule.endStep) return false;
  return (step - schedule.startStep) % schedule.frequency === 0 || step === schedule.endStep;
}

/** The schedule in steps; `endEpoch` defaults to one epoch before the end (the last epoch fine-tunes). */
export function pruningSchedule(settings: Pruning, epochs: number, stepsPerEpoch: number): PruningSchedule {
  const endEpoch = settings.endEpoch ?? (epochs > 1 ? epochs - 1 : epochs);
  return {
    initialSparsity: settings.initialSparsity ?? 0,
    finalSparsity: settings.finalSparsity,
    startStep: Math.round((settings.startEpoch ?? 0) * stepsPerEpoch),
    endStep: Math.max(0, Math.round(endEpoch * stepsPerEpoch) - 1),
    frequency: settings.frequency ?? 50,
    power: settings.power ?? 3,
  };
}

/** The layers whose `kernel` is pruned: those named, else every layer that has one. */
export function prunableLayers(model: tf.LayersModel, names?: readonly string[]): { layer: string; variable: tf.LayerVariable }[] {
  const kernels = model.layers.flatMap((layer) => {
    const kernel = layer.weights.find((w) => /(^|\/)kernel$/.test(w.originalName) || /(^|\/)kernel$/.test(w.name));
    return kernel ? [{ layer: layer.name, variable: kernel }] : [];
  });
  return names ? kernels.filter((k) => names.includes(k.layer)) : kernels;
}

export class MagnitudePruner {
  private readonly kernels: PrunedKernel[];
  private schedule: PruningSchedule | undefined;

  constructor(
    model: tf.LayersModel,
    private readonly settings: Pruning,
    private readonly epochs: number,
  ) {
    this.kernels = prunableLayers(model, settings.layers);
  }

  /**
   * After an optimizer step (`state.step` counts the steps done, so the step just taken is `state.step - 1`): new masks
   * on update steps, then the masks applied; returns the sparsity points on updates.
   */
  afterStep(state: StageState): MetricPoint[] {
    const step = state.step - 1;
    this.schedule ??= pruningSchedule(this.settings, this.epochs, state.stepsPerEpoch);
    const update = isUpdateStep(this.schedule, step);
    if (update) this.updateMasks(targetSparsity(this.schedule, step));
    this.applyMasks();
    return update ? this.sparsityPoints(state, step) : [];
  }

  /** Fraction of exact zeros per pruned layer, and over all of them (`''`). */
  sparsity(): Record<string, number> {
    const result: Record<string, number> = {};
    let zeros = 0;
    let total = 0;
    for (const kernel of this.kernels) {
      const values = kernel.variable.read().dataSync();
      const z = countZeros(values);
      result[kernel.layer] = z / values.length;
      zeros += z;
      total += values.length;
    }
    result[''] = total ? zeros / total : 0;
    return result;
  }

  /** The masks in use (for a checkpoint), named `pruning/<layer>`; none before the first update or after the stage. */
  masks(): { name: string; tensor: tf.Tensor }[] {
    return this.kernels.filter((k) => k.mask).map((k) => ({ name: `pruning/${k.layer}`, tensor: k.mask! }));
  }

  /** Puts back the masks a checkpoint holds (copies: the checkpoint's tensors stay the caller's). */
  restoreMasks(tensors: ReadonlyMap<string, tf.Tensor>): void {
    for (const kernel of this.kernels) {
      const saved = tensors.get(`pruning/${kernel.layer}`);
      if (!saved) continue;
      if (saved.shape.join('x') !== kernel.variable.shape.join('x')) throw new Error(`the checkpoint's pruning mask of layer ${kernel.layer} has shape [${saved.shape.join(', ')}], the layer's kernel [${kernel.variable.shape.join(', ')}]`);
      kernel.mask?.dispose();
      kernel.mask = saved.clone();
    }
  }

  dispose(): void {
    for (const kernel of this.kernels) {
      kernel.mask?.dispose();
      kernel.mask = undefined;
    }
  }

  private updateMasks(sparsity: number): void {
    const magnitudes = this.kernels.map((k) => absolute(k.variable.read().dataSync() as Float32Array));
    const global = this.settings.scope === 'global' ? pruneCount(concat(magnitudes), sparsity) : undefined;
    const thresholds = magnitudes.map((m) => global ?? pruneCount(m, sparsity));
    this.kernels.forEach((kernel, i) => {
      const mask = maskOf(magnitudes[i], thresholds[i]);
      kernel.mask?.dispose();
      kernel.mask = tf.tensor(mask, kernel.variable.shape as number[]);
    });
  }

  private applyMasks(): void {
    for (const kernel of this.kernels) {
      if (!kernel.mask) continue;
      const mask = kernel.mask;
      tf.tidy(() => {
        kernel.variable.write(kernel.variable.read().mul(mask));
      });
    }
  }

  private sparsityPoints(state: StageState, step: number): MetricPoint[] {
    const timestamp = Date.now();
    const point = (key: string, value: number): MetricPoint => ({ key: `${state.stage}/${key}`, value, step, epoch: state.epoch, timestamp });
    const reached = this.sparsity();
    return [
      point('pruning/target', targetSparsity(this.schedule!, step)),
      point('sparsity', reached['']),
      ...this.kernels.map((k) => point(`sparsity/${k.layer}`, reached[k.layer])),
    ];
  }
}

/**
 * The stage's hooks with pruning after every step (its sparsity points logged with the stage's metrics). The masks
 * are freed after the last step, or when the stage is stopped early.
 */
export function withPruning(hooks: StageHooks, model: tf.LayersModel, settings: Pruning, epochs: number, pruner = new MagnitudePruner(model, settings, epochs)): StageHooks {
  return {
    ...hooks,
    afterStep: async (state) => {
      await hooks.afterStep?.(state);
      const points = pruner.afterStep(state);
      if (points.length) await hooks.metrics(points);
      if (state.step === state.totalSteps) pruner.dispose();
    },
    onEpochEnd: async (stage, epoch, metrics) => {
      const decision = await hooks.onEpochEnd?.(stage, epoch, metrics);
      if (decision === 'stop') pruner.dispose();
      return decision;
    },
  };
}

/** A magnitude threshold: weights at or below it are pruned. Returns the k-th smallest magnitude (k = ⌊s·n⌋), -1 for none. */
function pruneCount(magnitudes: Float32Array, sparsity: number): number {
  const k = Math.floor(sparsity * magnitudes.length);
  if (k <= 0) return -1;
  const sorted = Float32Array.from(magnitudes).sort();
  return sorted[k - 1];
}

function maskOf(magnitudes: Float32Array, threshold: number): Float32Array {
  const mask = new Float32Array(magnitudes.length);
  for (let i = 0; i < magnitudes.length; i++) mask[i] = magnitudes[i] > threshold ? 1 : 0;
  return mask;
}

function absolute(values: Float32Array): Float32Array {
  return values.map(Math.abs);
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function countZeros(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}
