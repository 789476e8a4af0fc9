import { describe, expect, it } from 'vitest';
import { INITIAL_EARLY_STOPPING, judgeValidation, validationKey, type EarlyStoppingSettings, type EarlyStoppingState } from './early-stopping.js';

const settings = (over: Partial<EarlyStoppingSettings> = {}): EarlyStoppingSettings => ({ metric: 'val/loss', mode: 'min', patience: 2, minDelta: 0, restoreBest: false, ...over });

/** Judges a sequence of validations; returns the states and the epoch it stopped at (or -1). */
function judgeAll(s: EarlyStoppingSettings, values: number[]): { states: EarlyStoppingState[]; stoppedAt: number } {
  let state = INITIAL_EARLY_STOPPING;
  const states: EarlyStoppingState[] = [];
  for (let epoch = 0; epoch < values.length; epoch++) {
    const judged = judgeValidation(s, state, epoch, values[epoch]);
    state = judged.state;
    states.push(state);
    if (judged.stop) return { states, stoppedAt: epoch };
  }
  return { states, stoppedAt: -1 };
}

describe('early stopping', () => {
  it('stops `patience` validations after the best one (min)', () => {
    const { states, stoppedAt } = judgeAll(settings(), [1.0, 0.8, 0.9, 0.85, 0.7]);
    expect(stoppedAt).toBe(3);
    expect(states.at(-1)).toEqual({ best: 0.8, bestEpoch: 1, wait: 2 });
  });

  it('counts only improvements larger than minDelta, in the direction of the mode (max)', () => {
    const { states, stoppedAt } = judgeAll(settings({ mode: 'max', minDelta: 0.05, patience: 3 }), [0.5, 0.53, 0.56, 0.6, 0.64, 0.61]);
    // 0.53 is not above 0.5 + 0.05, 0.56 is; 0.6 is not above 0.56 + 0.05, 0.64 is; 0.61 is not above 0.69.
    expect(states.map((s) => s.bestEpoch)).toEqual([0, 0, 2, 2, 4, 4]);
    expect(stoppedAt).toBe(-1);
  });

  it('never stops without patience, and a NaN never improves', () => {
    const { states, stoppedAt } = judgeAll(settings({ patience: undefined }), [1, Number.NaN, 2, 3, 4, 5]);
    expect(stoppedAt).toBe(-1);
    expect(states.at(-1)).toEqual({ best: 1, bestEpoch: 0, wait: 5 });
  });

  it('reads the validation key behind val/', () => {
    expect(validationKey({ metric: 'val/agreement/wide' })).toBe('agreement/wide');
  });
});
