// Early stopping for one stage, as a pure judgement per validation: the stage's metric improved (by more than
// `minDelta`, in the direction `mode` says), or it did not, `patience` validations in a row — then the stage stops.
// The state is plain numbers, so a checkpoint holds it and a resumed run judges exactly as the first one would have.

export interface EarlyStoppingSettings {
  /** `val/<metric>`: a key of the stage's validation metrics behind `val/`. */
  readonly metric: string;
  readonly mode: 'min' | 'max';
  /** Validations without improvement before stopping; undefined: never stop (only track the best). */
  readonly patience?: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
}

export interface EarlyStoppingState {
  /** The best value so far (null before the first validation). */
  readonly best: number | null;
  /** The epoch (0-based) of the best value, -1 before the first validation. */
  readonly bestEpoch: number;
  /** Validations since the best one. */
  readonly wait: number;
}

export const INITIAL_EARLY_STOPPING: EarlyStoppingState = { best: null, bestEpoch: -1, wait: 0 };

export interface Judgement {
  readonly state: EarlyStoppingState;
  readonly improved: boolean;
  readonly stop: boolean;
}

/** Judges the value a validation at `epoch` measured. A NaN never improves. */
export function judgeValidation(settings: EarlyStoppingSettings, state: EarlyStoppingState, epoch: number, value: number): Judgement {
  const better =
    Number.isFinite(value) &&
    (state.best === null || (settings.mode === 'min' ? value < state.best - settings.minDelta : value > state.best + settings.minDelta));
  const next: EarlyStoppingState = better ? { best: value, bestEpoch: epoch, wait: 0 } : { ...state, wait: state.wait + 1 };
  return { state: next, improved: better, stop: settings.patience !== undefined && next.wait >= settings.patience };
}

/** The key of the judged metric in a stage's validation metrics (`val/accuracy` → `accuracy`). */
export function validationKey(settings: Pick<EarlyStoppingSettings, 'metric'>): string {
  return settings.metric.replace(/^val\//, '');
}
