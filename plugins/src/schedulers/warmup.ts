// Linear learning-rate warmup, shared by every built-in scheduler: the first steps ramp from base/warmup up to the
// scheduled rate, which keeps early large updates from wrecking freshly initialised weights.
import type { ScheduleContext } from '@distill/core';

export const warmupProperties = {
  warmupEpochs: {
    type: 'number',
    minimum: 0,
    default: 0,
    description: 'Epochs of linear warmup from near 0 up to the scheduled rate (0: none).',
  },
  warmupSteps: {
    type: 'integer',
    minimum: 0,
    description: 'Warmup length in steps instead of epochs; takes precedence over warmupEpochs.',
  },
} as const;

export interface WarmupParams {
  readonly warmupEpochs: number;
  readonly warmupSteps?: number;
}

export function warmupLength(params: WarmupParams, context: ScheduleContext): number {
  return params.warmupSteps ?? Math.round(params.warmupEpochs * context.stepsPerEpoch);
}

/** Multiplier of the rate at a 0-based step: (step + 1) / warmup during warmup, then 1. */
export function warmupFactor(step: number, warmup: number): number {
  return warmup > 0 ? Math.min(1, (step + 1) / warmup) : 1;
}

/** The epoch a 0-based step falls in. */
export function epochOf(step: number, context: ScheduleContext): number {
  return Math.floor(step / Math.max(1, context.stepsPerEpoch));
}
