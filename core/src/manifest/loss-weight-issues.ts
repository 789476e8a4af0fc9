// Loss weights that make the student's objective meaningless, refused like any other invalid value: a negative weight
// (the term is maximised, so the objective has no minimum and training diverges) and weights that are all zero (the
// objective is constant: the student would not learn). A single zero weight switches a term off and is fine.
import type { PointerIssue } from './schema-issues.js';

type Weight = number | { schedule?: unknown; from?: unknown; to?: unknown };

export function lossWeightIssues(manifest: Readonly<Record<string, unknown>>): PointerIssue[] {
  const losses = manifest.losses;
  if (!Array.isArray(losses) || losses.length === 0) return [];
  const ends = losses.map((loss) => weightEnds((loss as { weight?: Weight } | null)?.weight ?? 1));
  const issues: PointerIssue[] = [];
  ends.forEach((values, i) => {
    const negative = values.find((value) => value < 0);
    if (negative !== undefined) {
      issues.push({
        pointer: `/losses/${i}/weight`,
        message: `a negative weight (${negative}) maximises the term: the objective has no minimum and training diverges`,
        hint: 'use a positive weight, or 0 to switch the term off',
      });
    }
  });
  if (issues.length === 0 && ends.every((values) => values.length > 0 && values.every((value) => value === 0))) {
    issues.push({
      pointer: '/losses',
      message: `every loss weight is 0: the student's objective is constant and it would not learn`,
      hint: 'give at least one term a positive weight',
    });
  }
  return issues;
}

/** The values a weight takes at its ends (a number is both); none when it is malformed (the schema reports it). */
function weightEnds(weight: Weight): number[] {
  if (typeof weight === 'number') return [weight];
  if (weight && typeof weight === 'object' && typeof weight.from === 'number' && typeof weight.to === 'number') return [weight.from, weight.to];
  return [];
}
