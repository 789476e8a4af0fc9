// What a proposer learns from a finished trial: the parameters it ran with and the metric it reached.
import type { Assignment } from './sweep-spec.js';

/** A finished trial's parameters and its metric, as measured (the spec's goal says which way is better). */
export interface Observation {
  readonly params: Assignment;
  /** The first objective's value. */
  readonly value: number;
  /** Several objectives: every one's value, in order, and whether the constraints were met. */
  readonly values?: readonly number[];
  readonly feasible?: boolean;
}
