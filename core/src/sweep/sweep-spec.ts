// A sweep as the engine uses it: the manifest's `sweep` section (already checked against the schema, defaults
// filled in) turned into a normalized spec, with the rules the schema cannot say reported as placed issues.
import type { EarlyTerminate, Sweep, SweepParameter } from '../manifest/generated/experiment.js';
import type { PointerIssue } from '../manifest/schema-issues.js';
import { toPointer } from '../manifest/json-pointer.js';
import { describeValue } from '../manifest/describe-value.js';
import { metricIssue } from './sweep-metric.js';
import { parseObjectives, type Constraint, type Goal, type Objective } from './objectives.js';

export type SweepMethod = 'grid' | 'random' | 'tpe';
export type { Goal } from './objectives.js';
export type Distribution = NonNullable<SweepParameter['distribution']>;

export type ParameterDomain =
  | { readonly kind: 'values'; readonly values: readonly unknown[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'range'; readonly distribution: Distribution; readonly min: number; readonly max: number; readonly q: number };

export interface SweepParameterSpec {
  /** As written in `parameters`: `losses.0.params.temperature`, or comma-joined paths set together. */
  readonly key: string;
  /** Each path as keys and indices, the way `--set` splits it. */
  readonly paths: readonly (readonly string[])[];
  readonly domain: ParameterDomain;
}

/** One trial's choice: parameter key → value (an array with a value per path for comma-joined keys). */
export type Assignment = Readonly<Record<string, unknown>>;

export type EarlyTerminateSpec =
  | { readonly type: 'median'; readonly minEpochs: number; readonly minTrials: number }
  | { readonly type: 'hyperband'; readonly eta: number; readonly minIter: number };

export interface TpeSpec {
  readonly startupTrials: number;
  readonly candidates: number;
  readonly gamma: number;
}

export interface SweepSpec {
  readonly method: SweepMethod;
  /** The first objective: what early termination judges and what "best" means. */
  readonly metric: { readonly name: string; readonly goal: Goal };
  /** Every objective (`metrics`), or just `metric`. */
  readonly metrics: readonly Objective[];
  readonly constraints: readonly Constraint[];
  /** Runs of each configuration, with derived seeds. */
  readonly repeats: number;
  readonly parameters: readonly SweepParameterSpec[];
  readonly runCap?: number;
  readonly concurrency?: number;
  readonly seed: number;
  readonly earlyTerminate?: EarlyTerminateSpec;
  readonly tpe: TpeSpec;
}

export const TPE_DEFAULTS: TpeSpec = { startupTrials: 10, candidates: 24, gamma: 0.25 };

/**
 * The spec of a schema-valid `sweep` section, or the issues that make it unusable (pointers relative to the section).
 * `defaultSeed` is the manifest's seed; `stages` its distillation stages' names (whose validation metrics it may rank by).
 */
export function parseSweepSpec(sweep: Sweep, defaultSeed: number, stages: readonly string[] = ['student']): { spec?: SweepSpec; issues: PointerIssue[] } {
  const issues: PointerIssue[] = [];
  const method = sweep.method ?? 'grid';
  const given = { name: sweep.metric?.name ?? 'student/val/accuracy', goal: sweep.metric?.goal ?? 'maximize' };
  const objectives = parseObjectives(sweep.metrics ?? [given], sweep.constraints ?? [], stages);
  const metric = objectives.objectives[0];
  const parameters: SweepParameterSpec[] = [];
  for (const [key, raw] of Object.entries(sweep.parameters)) {
    const parsed = parseParameter(key, raw, method);
    if ('issue' in parsed) issues.push(parsed.issue);
    else parameters.push(parsed.parameter);
  }
  if (sweep.metrics) {
    issues.push(...objectives.issues);
    if (sweep.earlyTerminate && sweep.metrics.length > 1) {
      issues.push({ pointer: '/earlyTerminate', message: `earlyTerminate judges one metric, and this sweep has ${sweep.metrics.length} objectives`, hint: 'remove earlyTerminate, or keep a single metric' });
    } else if (sweep.earlyTerminate) {
      const issue = metricIssue(metric.name, true, stages);
      if (issue) issues.push({ pointer: '/metrics/0/name', ...issue });
    }
  } else {
    issues.push(...objectives.issues.filter((issue) => issue.pointer.startsWith('/constraints')));
    const nameIssue = metricIssue(metric.name, Boolean(sweep.earlyTerminate), stages);
    if (nameIssue) issues.push({ pointer: '/metric/name', ...nameIssue });
  }
  if (method !== 'grid' && sweep.runCap === undefined) {
    issues.push({ pointer: '', message: `missing "runCap": method "${method}" proposes trials until it has run that many` });
  }
  if (issues.length > 0) return { issues };
  return {
    spec: {
      method,
      metric,
      metrics: objectives.objectives,
      constraints: objectives.constraints,
      repeats: sweep.repeats ?? 1,
      parameters,
      ...(sweep.runCap !== undefined ? { runCap: sweep.runCap } : {}),
      ...(sweep.concurrency !== undefined ? { concurrency: sweep.concurrency } : {}),
      seed: sweep.seed ?? defaultSeed,
      ...(sweep.earlyTerminate ? { earlyTerminate: earlyTerminateSpec(sweep.earlyTerminate) } : {}),
      tpe: { ...TPE_DEFAULTS, ...sweep.tpe },
    },
    issues,
  };
}

/** Where a parameter is written in the `sweep` section (issues point at its key). */
export function parameterPointer(key: string): string {
  return toPointer(['parameters', key]);
}

function parseParameter(key: string, raw: SweepParameter, method: SweepMethod): { parameter: SweepParameterSpec } | { issue: PointerIssue } {
  const at = parameterPointer(key);
  // Issues about the parameter as a whole are shown at its key; those about one of its values, at that value.
  const fail = (message: string, pointer = at, where: 'key' | 'value' = pointer === at ? 'key' : 'value') => ({ issue: { pointer, message, at: where } });
  const paths = key.split(',').map((path) => path.trim());
  const badPath = paths.find((path) => path === '' || path.split('.').some((segment) => segment === ''));
  if (badPath !== undefined) return fail(`"${key}" is not a manifest path; use dotted keys and indices, e.g. losses.0.params.temperature`);
  const given = (['values', 'value', 'distribution'] as const).filter((name) => raw[name] !== undefined);
  if (given.length !== 1) {
    return fail(given.length === 0
      ? 'needs one of "values", "value", or "distribution" with "min" and "max"'
      : `has both ${given.map((name) => `"${name}"`).join(' and ')}; give exactly one`);
  }
  const splitPaths = paths.map((path) => path.split('.'));
  if (raw.distribution === undefined) {
    const stray = (['min', 'max', 'q'] as const).find((name) => raw[name] !== undefined);
    if (stray) return fail(`"${stray}" only goes with "distribution"`, `${at}/${stray}`, 'key');
    const domain: ParameterDomain = raw.values !== undefined ? { kind: 'values', values: raw.values } : { kind: 'value', value: raw.value };
    const arity = linkedArityIssue(paths.length, domain, at);
    return arity ? { issue: arity } : { parameter: { key, paths: splitPaths, domain } };
  }
  if (paths.length > 1) return fail('comma-joined paths take "values" or "value" (a value per path), not a distribution');
  const range = parseRange(raw, at);
  if ('issue' in range) return range;
  if (method === 'grid' && !isEnumerable(range.domain)) {
    return fail(`grid needs a finite set of values; "${range.domain.distribution}" is continuous (use "values", int_uniform, q_uniform, or method random or tpe)`);
  }
  return { parameter: { key, paths: splitPaths, domain: range.domain } };
}

function parseRange(raw: SweepParameter, at: string): { domain: ParameterDomain & { kind: 'range' } } | { issue: PointerIssue } {
  const distribution = raw.distribution!;
  const fail = (message: string, pointer = at, where: 'key' | 'value' = pointer === at ? 'key' : 'value') => ({ issue: { pointer, message, at: where } });
  if (raw.min === undefined || raw.max === undefined) return fail(`"${distribution}" needs "min" and "max"`);
  const { min, max } = raw;
  if (!(min < max)) return fail(`min must be below max (got min ${min}, max ${max})`, `${at}/min`);
  const quantized = distribution === 'q_uniform' || distribution === 'q_log_uniform';
  if (raw.q !== undefined && !quantized) return fail(`"q" only goes with q_uniform and q_log_uniform (this is ${distribution})`, `${at}/q`, 'key');
  const q = raw.q ?? 1;
  if (distribution.includes('log') && min <= 0) {
    return fail(`${distribution} needs min > 0: it is uniform in log space (got min ${min})`, `${at}/min`);
  }
  if (distribution === 'int_uniform' && (!Number.isInteger(min) || !Number.isInteger(max))) {
    return fail(`int_uniform needs integer min and max (got ${describeValue(min)} and ${describeValue(max)})`);
  }
  if (quantized && Math.ceil(min / q - 1e-9) > Math.floor(max / q + 1e-9)) {
    return fail(`no multiple of q ${q} lies between min ${min} and max ${max}`, `${at}/q`);
  }
  return { domain: { kind: 'range', distribution, min, max, q } };
}

function linkedArityIssue(paths: number, domain: ParameterDomain & { kind: 'values' | 'value' }, at: string): PointerIssue | undefined {
  if (paths === 1) return undefined;
  const choices = domain.kind === 'values' ? domain.values : [domain.value];
  const index = choices.findIndex((choice) => !Array.isArray(choice) || choice.length !== paths);
  if (index < 0) return undefined;
  const pointer = domain.kind === 'values' ? `${at}/values/${index}` : `${at}/value`;
  return { pointer, message: `must be an array of ${paths} values, one per comma-joined path (got ${describeValue(choices[index])})` };
}

/** Ranges a grid can enumerate: integers and quantized uniform ranges. */
export function isEnumerable(domain: ParameterDomain): boolean {
  return domain.kind !== 'range' || domain.distribution === 'int_uniform' || domain.distribution === 'q_uniform';
}

function earlyTerminateSpec(raw: EarlyTerminate): EarlyTerminateSpec {
  return raw.type === 'median'
    ? { type: 'median', minEpochs: raw.minEpochs ?? 1, minTrials: raw.minTrials ?? 3 }
    : { type: 'hyperband', eta: raw.eta ?? 3, minIter: raw.minIter ?? 1 };
}
