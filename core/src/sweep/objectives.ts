// What a multi-objective sweep optimises: several metrics, each with its goal, and constraints a trial must meet
// (`student/parameters <= 50000`). Parsed and checked up front, so a constraint on an unknown metric, one no value of
// the metric can meet, or contradictory goals are refused before the first trial.
import type { PointerIssue } from '../manifest/schema-issues.js';
import { metricIssue, metricRange } from './sweep-metric.js';

export type Goal = 'maximize' | 'minimize';

export interface Objective {
  readonly name: string;
  readonly goal: Goal;
}

export type ConstraintOperator = '<=' | '<' | '>=' | '>';

export interface Constraint {
  readonly metric: string;
  readonly operator: ConstraintOperator;
  readonly bound: number;
  /** As written. */
  readonly text: string;
}

const CONSTRAINT = /^\s*(\S+?)\s*(<=|>=|<|>)\s*(\S+)\s*$/;

/** Whether a trial's value meets the constraint (a missing value never does). */
export function satisfies(constraint: Constraint, value: number | null | undefined): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (constraint.operator) {
    case '<=': return value <= constraint.bound;
    case '<': return value < constraint.bound;
    case '>=': return value >= constraint.bound;
    case '>': return value > constraint.bound;
  }
}

/** The objectives (pointer `/metrics/i`) and constraints (`/constraints/i`) of a sweep, or the issues against them. */
export function parseObjectives(metrics: readonly Objective[], constraints: readonly string[], stages: readonly string[] = ['student']): { objectives: Objective[]; constraints: Constraint[]; issues: PointerIssue[] } {
  const issues: PointerIssue[] = [];
  metrics.forEach((objective, i) => {
    const issue = metricIssue(objective.name, false, stages);
    if (issue) issues.push({ pointer: `/metrics/${i}/name`, ...issue });
    const earlier = metrics.findIndex((other) => other.name === objective.name);
    if (earlier < i) {
      issues.push({
        pointer: `/metrics/${i}`,
        message: metrics[earlier].goal === objective.goal
          ? `"${objective.name}" is already objective ${earlier}`
          : `"${objective.name}" cannot be maximized and minimized at once (objective ${earlier} wants to ${metrics[earlier].goal} it)`,
      });
    }
  });
  const parsed: Constraint[] = [];
  constraints.forEach((text, i) => {
    const result = parseConstraint(text, `/constraints/${i}`, stages);
    if ('issue' in result) issues.push(result.issue);
    else parsed.push(result.constraint);
  });
  issues.push(...contradictions(parsed, constraints));
  return { objectives: [...metrics], constraints: parsed, issues };
}

function parseConstraint(text: string, pointer: string, stages: readonly string[]): { constraint: Constraint } | { issue: PointerIssue } {
  const match = CONSTRAINT.exec(text);
  const fail = (message: string, hint?: string) => ({ issue: { pointer, message, ...(hint ? { hint } : {}) } });
  if (!match) return fail(`"${text}" is not a constraint`, 'write <metric> <= <number> (or <, >=, >), e.g. "student/parameters <= 50000"');
  const [, metric, operator, boundText] = match;
  const bound = Number(boundText);
  if (!Number.isFinite(bound)) return fail(`the bound of "${text}" must be a number (got "${boundText}")`);
  const unknown = metricIssue(metric, false, stages);
  if (unknown) return fail(`${unknown.message.replace(/^unknown metric/, 'constraint on an unknown metric')}`);
  const { min, max } = metricRange(metric);
  const op = operator as ConstraintOperator;
  const impossible = (op === '<' && bound <= min) || (op === '<=' && bound < min) || (op === '>' && bound >= max) || (op === '>=' && bound > max);
  if (impossible) {
    const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    return fail(`no trial can meet "${text}": ${metric} is always ${range}`);
  }
  return { constraint: { metric, operator: op, bound, text } };
}

/** Two constraints on one metric that no value meets together (`x <= 10` and `x >= 20`). */
function contradictions(constraints: readonly Constraint[], written: readonly string[]): PointerIssue[] {
  const issues: PointerIssue[] = [];
  constraints.forEach((a, i) => {
    for (const b of constraints.slice(i + 1)) {
      if (a.metric !== b.metric) continue;
      const [upper, lower] = a.operator.startsWith('<') ? [a, b] : [b, a];
      if (!upper.operator.startsWith('<') || !lower.operator.startsWith('>')) continue;
      const strict = upper.operator === '<' || lower.operator === '>';
      if (upper.bound < lower.bound || (strict && upper.bound === lower.bound)) {
        issues.push({ pointer: `/constraints/${written.indexOf(b.text)}`, message: `"${b.text}" contradicts "${a.text}": no value of ${a.metric} meets both` });
      }
    }
  });
  return issues;
}
