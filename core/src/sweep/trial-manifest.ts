// A trial's manifest: the base manifest as written (after `--set`), without its `sweep`, with the trial's values set
// at the parameters' paths exactly as `--set` sets them, then validated (structure and plugin params) and defaulted.
// Issues are attributed to the parameter that caused them, so they can be placed at its key in the sweep spec.
import { structureIssues } from '../manifest/validate-structure.js';
import { referenceIssues } from '../manifest/validate-references.js';
import { tryApplyOverrides, type Override } from '../manifest/overrides.js';
import { fromPointer, isWithin, toPointer } from '../manifest/json-pointer.js';
import { describeValue } from '../manifest/describe-value.js';
import type { PointerIssue } from '../manifest/schema-issues.js';
import type { PluginRegistries } from '../plugins/plugin-registry.js';
import { parameterPointer, type Assignment, type SweepParameterSpec } from './sweep-spec.js';

export type RawManifest = Record<string, unknown>;

export interface TrialManifest {
  /** Validated, with every default filled in; undefined when there are issues. */
  readonly manifest?: RawManifest;
  /** Pointers relative to the `sweep` section (at the key of the parameter responsible). */
  readonly issues: PointerIssue[];
}

/** The overrides that set `assignment`, one per path, each with the parameter it comes from. */
export function assignmentOverrides(parameters: readonly SweepParameterSpec[], assignment: Assignment): { key: string; override: Override }[] {
  return parameters.flatMap((parameter) => {
    const value = assignment[parameter.key];
    const values = parameter.paths.length > 1 ? (value as unknown[]) : [value];
    return parameter.paths.map((path, i) => ({
      key: parameter.key,
      override: { text: `${path.join('.')}=${JSON.stringify(values[i])}`, path, value: structuredClone(values[i]) },
    }));
  });
}

export function buildTrialManifest(
  base: RawManifest,
  parameters: readonly SweepParameterSpec[],
  assignment: Assignment,
  registries: PluginRegistries,
): TrialManifest {
  const { manifest, issues } = build(base, parameters, assignment, registries);
  return { ...(manifest ? { manifest } : {}), issues: issues.map(withoutOrigin) };
}

function build(
  base: RawManifest,
  parameters: readonly SweepParameterSpec[],
  assignment: Assignment,
  registries: PluginRegistries,
): { manifest?: RawManifest; issues: ParameterIssue[] } {
  const start = structuredClone(base);
  delete start.sweep;
  const sets = assignmentOverrides(parameters, assignment);
  const { value, applied, issues: setIssues } = tryApplyOverrides(start, sets.map((s) => s.override));
  const issues: ParameterIssue[] = setIssues.map((issue) => {
    const key = sets.find((s) => issue.file === `--set ${s.override.text}`)?.key ?? parameters[0].key;
    return atParameter(key, assignment[key], issue.pointer, `cannot set it: ${issue.pointer}: ${issue.message}`);
  });
  // The values that could be set are validated even when another could not: every problem is reported at once.
  const found = [...structureIssues(value), ...referenceIssues(value, registries)];
  // Where each value went, element names resolved to indices (`stages.hint.epochs` → /stages/0/epochs).
  const resolved = new Map(applied.map((a) => [a.flag, a.pointer]));
  const pointers = sets.map((s) => ({ key: s.key, pointer: resolved.get(`--set ${s.override.text}`) ?? toPointer(s.override.path) }));
  for (const issue of found) {
    const key = responsibleParameter(issue.pointer, pointers);
    issues.push(atParameter(key, assignment[key], issue.pointer, describeIssue(issue, pointers.find((p) => p.key === key)!.pointer), issue.hint));
  }
  return issues.length > 0 ? { issues } : { manifest: value, issues };
}

/**
 * Every issue of every assignment, each once. A choice of a `values` list is reported for itself; a range is
 * reported once per problem, at the first (most extreme) value that shows it — not again for every sample.
 */
export function assignmentsIssues(
  base: RawManifest,
  parameters: readonly SweepParameterSpec[],
  assignments: readonly Assignment[],
  registries: PluginRegistries,
): PointerIssue[] {
  const seen = new Set<string>();
  const issues: PointerIssue[] = [];
  for (const assignment of assignments) {
    for (const issue of build(base, parameters, assignment, registries).issues) {
      const range = parameters.find((p) => p.key === issue.key)?.domain.kind === 'range';
      const id = range ? `${issue.key}\u0000${issue.where}` : `${issue.pointer}\u0000${issue.message}`;
      if (!seen.has(id)) issues.push(withoutOrigin(issue));
      seen.add(id);
    }
  }
  return issues;
}

/** An issue with the parameter it is placed at and the manifest pointer it is about (for deduplication). */
interface ParameterIssue extends PointerIssue {
  readonly key: string;
  readonly where: string;
}

function atParameter(key: string, value: unknown, where: string, detail: string, hint?: string): ParameterIssue {
  return { key, where, pointer: parameterPointer(key), message: `value ${describeValue(value)}: ${detail}`, at: 'key', ...(hint ? { hint } : {}) };
}

function withoutOrigin({ key: _key, where: _where, ...issue }: ParameterIssue): PointerIssue {
  return issue;
}

// The parameter whose path holds the issue's value (or lies inside it); else the one sharing the longest prefix,
// e.g. a parameter that changes `scheduler.type` is responsible for the scheduler's params no longer fitting.
function responsibleParameter(pointer: string, sets: readonly { key: string; pointer: string }[]): string {
  const direct = sets.find((s) => isWithin(pointer, s.pointer) || isWithin(s.pointer, pointer));
  if (direct) return direct.key;
  const shared = (s: { pointer: string }) => {
    const a = fromPointer(pointer);
    const b = fromPointer(s.pointer);
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  };
  return [...sets].sort((x, y) => shared(y) - shared(x))[0].key;
}

function describeIssue(issue: PointerIssue, parameterPath: string): string {
  if (issue.pointer === parameterPath && issue.message.startsWith('unknown key')) return `the manifest has no ${issue.pointer}: ${issue.message}`;
  return `${issue.pointer}: ${issue.message}`;
}
