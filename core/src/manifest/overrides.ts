// `--set losses.0.params.temperature=8`: dotted paths into the manifest, applied before validation. A segment that
// is not a number selects the array element whose `name` it is: `--set stages.hint.epochs=3`.
import type { ManifestIssue } from './manifest-error.js';
import { ManifestError } from './manifest-error.js';
import { toPointer } from './json-pointer.js';
import { describeTyped, isPlainObject } from './describe-value.js';
import { suggestion } from '../plugins/did-you-mean.js';

export interface Override {
  /** As written after `--set`: `losses.0.params.temperature=8`. */
  readonly text: string;
  /** Keys, array indices and element names: `['losses', '0', 'params', 'temperature']`, `['stages', 'hint', 'epochs']`. */
  readonly path: readonly string[];
  /** Parsed as JSON when it parses (`8`, `true`, `[1,2]`), else the text itself (`wasm`). */
  readonly value: unknown;
}

/** Where an applied override put its value: issues inside it are reported at the flag. */
export interface AppliedOverride {
  readonly flag: string;
  /** Where the value went, names resolved to indices: `/stages/0/epochs`. */
  readonly pointer: string;
}

export function overrideFlag(override: Pick<Override, 'text'>): string {
  return `--set ${override.text}`;
}

export function parseOverride(text: string): Override {
  const issue = overrideSyntaxIssue(text);
  if (issue) throw new ManifestError([issue]);
  const equals = text.indexOf('=');
  return { text, path: text.slice(0, equals).split('.'), value: parseValue(text.slice(equals + 1)) };
}

/** A copy of `raw` with every override applied; throws one ManifestError naming every bad flag. */
export function applyOverrides<T>(raw: T, overrides: readonly (string | Override)[]): T {
  const { value, issues } = tryApplyOverrides(raw, overrides);
  if (issues.length > 0) throw new ManifestError(issues);
  return value;
}

/** Like `applyOverrides`, but returns the issues (bad flags are skipped) so they can be reported with the rest. */
export function tryApplyOverrides<T>(
  raw: T,
  overrides: readonly (string | Override)[],
): { value: T; applied: AppliedOverride[]; issues: ManifestIssue[] } {
  const value = structuredClone(raw);
  const applied: AppliedOverride[] = [];
  const issues: ManifestIssue[] = [];
  for (const given of overrides) {
    const syntax = typeof given === 'string' ? overrideSyntaxIssue(given) : undefined;
    if (syntax) {
      issues.push(syntax);
      continue;
    }
    const override = typeof given === 'string' ? parseOverride(given) : given;
    const result = setAtPath(value, override.path, override.value);
    if ('problem' in result) issues.push({ file: overrideFlag(override), line: 0, column: 0, ...result.problem });
    else applied.push({ flag: overrideFlag(override), pointer: toPointer(result.resolved) });
  }
  return { value, applied, issues };
}

function overrideSyntaxIssue(text: string): ManifestIssue | undefined {
  const issue = (message: string): ManifestIssue => ({ file: overrideFlag({ text }), line: 0, column: 0, pointer: '', message });
  const equals = text.indexOf('=');
  if (equals < 0) return issue('expected <path>=<value>, e.g. --set training.epochs=3');
  const path = text.slice(0, equals);
  if (path.split('.').some((key) => key === '')) return issue(`"${path}" is not a path; use dotted keys and indices, e.g. losses.0.params.temperature`);
  return undefined;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type SetResult = { problem: { pointer: string; message: string; hint?: string } } | { resolved: string[] };

function setAtPath(root: unknown, path: readonly string[], value: unknown): SetResult {
  let target = root;
  const resolved: string[] = [];
  for (const [depth, key] of path.entries()) {
    const here = [...resolved];
    const last = depth === path.length - 1;
    if (Array.isArray(target)) {
      const found = elementIndex(target, key, here);
      if ('problem' in found) return found;
      resolved.push(String(found.index));
      if (last) target[found.index] = value;
      else target = target[found.index];
    } else if (isPlainObject(target)) {
      resolved.push(key);
      if (last) target[key] = value;
      else {
        if (target[key] === undefined) target[key] = {};
        target = target[key];
      }
    } else {
      return { problem: { pointer: toPointer(here), message: `is ${describeTyped(target)}; cannot set "${key}" inside it` } };
    }
  }
  return { resolved };
}

/** The index `key` gives in `array`: a number, or the name of an element (`{ "name": key, … }`). */
function elementIndex(array: unknown[], key: string, here: readonly string[]): { index: number } | { problem: { pointer: string; message: string } } {
  const name = here.join('.') || 'the manifest';
  if (/^(0|[1-9]\d*)$/.test(key)) {
    const index = Number(key);
    if (index < array.length) return { index };
    return { problem: { pointer: toPointer([...here, key]), message: `index ${index} is out of range; ${name} has ${plural(array.length, 'item')}` } };
  }
  const names = array.map((item) => (isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined));
  const index = names.indexOf(key);
  if (index >= 0) return { index };
  const named = names.filter((n): n is string => n !== undefined);
  if (named.length === 0) return { problem: { pointer: toPointer(here), message: `is an array; "${key}" is not an index` } };
  return { problem: { pointer: toPointer(here), message: `has no element named "${key}"; ${suggestion(key, named)}` } };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
