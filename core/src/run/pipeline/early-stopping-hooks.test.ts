import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { StageState } from '../../training/train-stage.js';
import type { StagePlan } from './stage-plan.js';
import { EarlyStopping } from './early-stopping-hooks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function stage(): { state: StageState; model: tf.LayersModel; variable: tf.Variable } {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'zeros' })] });
  const variable = tf.tidy(() => tf.variable(tf.zeros([2])));
  const state = { stage: 'student', model: { model, layers: [], pretrained: false }, lossVariables: [variable], lastValidation: {}, stopped: false } as unknown as StageState;
  return { state, model, variable };
}

const plan = { name: 'student', kind: 'distill' } as StagePlan;
const result = { steps: 30, epochs: 3, stoppedEarly: true, lastValidation: {} };

describe('early stopping hooks', () => {
  it('end a stage with the weights and loss variables of its best validation, and free what they kept', async () => {
    const before = tf.memory().numTensors;
    const { state, model, variable } = stage();
    const stopping = new EarlyStopping({ metric: 'val/loss', mode: 'min', patience: 2, minDelta: 0, restoreBest: true }, new Set(['student']), { info: () => undefined });
    const hooks = stopping.wrap({ metrics: async () => undefined });
    await hooks.onStageStart!(state, plan);
    const set = (value: number) =>
      tf.tidy(() => {
        model.setWeights(model.getWeights().map((w) => tf.fill(w.shape, value)));
        variable.assign(tf.fill([2], value));
      });
    set(1);
    expect(await hooks.onEpochEnd!('student', 0, { loss: 0.5 })).toBeUndefined();
    set(2);
    expect(await hooks.onEpochEnd!('student', 1, { loss: 0.7 })).toBeUndefined();
    set(3);
    expect(await hooks.onEpochEnd!('student', 2, { loss: 0.6 })).toBe('stop');
    const ended = await hooks.onStageEnd!(state, plan, result);
    expect(ended).toMatchObject({ stoppedBy: 'early-stopping', weightsEpoch: 1, lastValidation: { loss: 0.5 } });
    expect(Array.from(model.getWeights()[0].dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(variable.dataSync())).toEqual([1, 1]);
    stopping.dispose();
    model.dispose();
    variable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
