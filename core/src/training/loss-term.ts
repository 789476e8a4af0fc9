// One weighted term of a stage's objective, and the contract every loss's output must meet.
import type * as tf from '@tensorflow/tfjs';
import type { DistillLoss, LossInputs } from '../plugins/loss-plugin.js';
import type { ScheduledNumber } from '../schedules/scheduled-number.js';

export interface LossTerm {
  /** Name the term is logged under (`kl-divergence`, or the manifest's `name`). */
  readonly name: string;
  /** The plugin that built it, for error messages. */
  readonly plugin: string;
  readonly loss: DistillLoss;
  readonly weight: ScheduledNumber;
  /** The teachers whose outputs the loss receives, by name (the first is `teacherLogits`' and `teacherFeatures`'). */
  readonly teachers: readonly string[];
}

export class LossContractError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LossContractError';
  }
}

/** Runs a loss and checks it returned a float32 scalar; a loss that throws fails naming the stage, plugin and step. */
export function computeTerm(term: LossTerm, inputs: LossInputs, stage?: string): tf.Scalar {
  const where = `loss "${term.name}" (plugin ${term.plugin}) at step ${inputs.step}`;
  let value: tf.Tensor | undefined;
  try {
    value = term.loss.compute(inputs) as tf.Tensor | undefined;
  } catch (error) {
    const thrown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new LossContractError(`${stage ? `${stage} stage: ` : ''}${where} (epoch ${inputs.epoch + 1}) threw ${thrown}`, { cause: error });
  }
  if (!value || typeof (value as tf.Tensor).rank !== 'number') {
    throw new LossContractError(`${where} returned ${value === undefined ? 'nothing' : typeof value}; it must return a scalar tf.Tensor`);
  }
  if (value.rank !== 0) {
    throw new LossContractError(`${where} returned a tensor of shape [${value.shape.join(', ')}]; it must return a scalar (reduce it with .mean() or .sum())`);
  }
  if (value.dtype !== 'float32') {
    throw new LossContractError(`${where} returned a tensor of dtype ${value.dtype}; it must be float32`);
  }
  return value as tf.Scalar;
}
