// What a sweep optimizes, as a list: today a sweep has one metric (`sweep.metric`), and a sweep over several
// (`sweep.metrics`) reads the same way. With two or more objectives, the trials no other trial beats on every one of
// them form the Pareto front.
import { isObject } from './json-checks.js';

export type Goal = 'maximize' | 'minimize';

export interface Objective {
  readonly name: string;
  readonly goal: Goal;
}

/** `spec.metrics` when the sweep has several objectives, else `[spec.metric]`; malformed entries are left out. */
export function objectivesOf(spec: unknown): Objective[] {
  if (!isObject(spec)) return [];
  const listed = Array.isArray(spec.metrics) ? spec.metrics : [spec.metric];
  return listed.filter(isObjective).map(({ name, goal }) => ({ name, goal }));
}

function isObjective(value: unknown): value is Objective {
  return isObject(value) && typeof value.name === 'string' && (value.goal === 'maximize' || value.goal === 'minimize');
}

/** Whether `a` is better than `b` for this objective (ties are not better). */
export function better(objective: Objective, a: number, b: number): boolean {
  return objective.goal === 'maximize' ? a > b : a < b;
}

/**
 * The indices of the points on the Pareto front: those no other point dominates (at least as good on every objective
 * and better on one). Points with a non-finite value take no part.
 */
export function paretoFront(points: readonly (readonly number[])[], objectives: readonly Objective[]): number[] {
  const usable = points.map((p) => p.length === objectives.length && p.every(Number.isFinite));
  const dominates = (a: readonly number[], b: readonly number[]) =>
    objectives.every((o, i) => !better(o, b[i], a[i])) && objectives.some((o, i) => better(o, a[i], b[i]));
  return points.flatMap((p, i) => (usable[i] && !points.some((q, j) => j !== i && usable[j] && dominates(q, p)) ? [i] : []));
}
