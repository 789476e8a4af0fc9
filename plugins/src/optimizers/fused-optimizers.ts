// tfjs's Adam, momentum and RMSProp optimizers with each variable's update done by one fused kernel on the wasm
// backend (@distill/core/backend's FUSED_* kernels: one SIMD pass over the heap instead of ~14 element-wise kernels).
// They subclass tfjs's optimizers and keep their slot variables in the same fields, under the same names, so
// getWeights()/setWeights() save and restore the complete state exactly as tfjs's do, and a state saved by one
// restores into the other. On any other backend (cpu, tensorflow) they are tfjs's optimizers, unchanged. The
// results are bitwise those of tfjs's ops (the kernels do the same float32 operations in the same order).
import * as tf from '@tensorflow/tfjs';
import {
  FUSED_ADAM,
  FUSED_MOMENTUM,
  FUSED_RMSPROP,
  fusedOptimizerUpdate,
  type FusedAdamAttrs,
  type FusedMomentumAttrs,
  type FusedRMSPropAttrs,
} from '@distill/core/backend';

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The variables in the order tfjs's optimizers visit them (slot i belongs to the i-th), with their gradients. */
function updates(variableGradients: VariableGradients): { value: tf.Variable; gradient: tf.Tensor | undefined; name: string }[] {
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  return names.map((name, i) => ({
    name,
    value: tf.engine().registeredVariables[name],
    gradient: Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name],
  }));
}

/** The fused kernels compute float32 only; anything else takes tfjs's path. */
const allFloat32 = (list: ReturnType<typeof updates>) =>
  list.every(({ value, gradient }) => value.dtype === 'float32' && (gradient === undefined || gradient === null || gradient.dtype === 'float32'));

/** A zero slot as tfjs's optimizers create it (not trainable). */
const zeroSlot = (name: string, value: tf.Variable): Slot => ({ originalName: name, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });

/** Runs a fused kernel and returns its outputs: the new value first, then the new slots. */
const runFused = (kernel: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];

interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const list = updates(variableGradients);
    if (!fusedOptimizerUpdate(FUSED_ADAM) || !allFloat32(list)) return super.applyGradients(variableGradients);
    const state = this as unknown as AdamState;
    tf.tidy(() => {
      // sub(1, accBeta) in float32, as tfjs computes it (the accumulators are float32 scalars on the heap).
      const oneMinusAccBeta1 = Math.fround(1 - state.accBeta1.dataSync()[0]);
      const oneMinusAccBeta2 = Math.fround(1 - state.accBeta2.dataSync()[0]);
      const attrs: FusedAdamAttrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate, oneMinusAccBeta1, oneMinusAccBeta2 };
      list.forEach(({ name, value, gradient }, i) => {
        state.accumulatedFirstMoment[i] ??= zeroSlot(`${name}/m`, value);
        state.accumulatedSecondMoment[i] ??= zeroSlot(`${name}/v`, value);
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [newValue, newM, newV] = runFused(FUSED_ADAM, { value, gradient, m, v }, attrs);
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

interface MomentumState {
  m: tf.Scalar;
  accumulations: Slot[];
  useNesterov: boolean;
}

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const list = updates(variableGradients);
    if (!fusedOptimizerUpdate(FUSED_MOMENTUM) || !allFloat32(list)) return super.applyGradients(variableGradients);
    const state = this as unknown as MomentumState;
    // tfjs multiplies by the scalar made at construction (setMomentum does not change it), and by −learningRate.
    const attrs: FusedMomentumAttrs = { momentum: state.m.dataSync()[0], learningRate: this.learningRate, nesterov: state.useNesterov };
    list.forEach(({ name, value, gradient }, i) => {
      state.accumulations[i] ??= zeroSlot(`${name}/momentum`, value);
      if (gradient == null) return;
      const accumulation = state.accumulations[i].variable;
      tf.tidy(() => {
        const [newValue, newAccumulation] = runFused(FUSED_MOMENTUM, { value, gradient, accumulation }, attrs);
        accumulation.assign(newAccumulation);
        value.assign(newValue);
      });
    });
    this.incrementIterations();
  }
}

interface RMSPropState {
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  accumulatedMeanGrads: Slot[];
  centered: boolean;
}

export class FusedRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const list = updates(variableGradients);
    if (!fusedOptimizerUpdate(FUSED_RMSPROP) || !allFloat32(list)) return super.applyGradients(variableGradients);
    const state = this as unknown as RMSPropState;
    const attrs: FusedRMSPropAttrs = { decay: this.decay, momentum: this.momentum, learningRate: this.learningRate, epsilon: this.epsilon, centered: state.centered };
    list.forEach(({ name, value, gradient }, i) => {
      state.accumulatedMeanSquares[i] ??= zeroSlot(`${name}/rms`, value);
      state.accumulatedMoments[i] ??= zeroSlot(`${name}/momentum`, value);
      if (state.centered) state.accumulatedMeanGrads[i] ??= zeroSlot(`${name}/mg`, value);
      if (gradient == null) return;
      const meanSquare = state.accumulatedMeanSquares[i].variable;
      const moments = state.accumulatedMoments[i].variable;
      const meanGrad = state.centered ? state.accumulatedMeanGrads[i].variable : undefined;
      tf.tidy(() => {
        const inputs: tf.NamedTensorMap = { value, gradient, meanSquare, moments, ...(meanGrad ? { meanGrad } : {}) };
        const [newValue, newMeanSquare, newMoments, newMeanGrad] = runFused(FUSED_RMSPROP, inputs, attrs);
        meanSquare.assign(newMeanSquare);
        moments.assign(newMoments);
        if (meanGrad) meanGrad.assign(newMeanGrad);
        value.assign(newValue);
      });
    });
    this.incrementIterations();
  }
}
