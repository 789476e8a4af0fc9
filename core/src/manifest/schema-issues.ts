// ajv errors → one clear issue each: what was expected, what was found, and the nearest valid key for typos.
import type { ErrorObject } from 'ajv';
import { suggestion } from '../plugins/did-you-mean.js';
import { isWithin, toPointer } from './json-pointer.js';
import { describeTyped, describeValue, isPlainObject } from './describe-value.js';

/** An issue before it has a place in a file: a pointer into the manifest. */
export interface PointerIssue {
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string;
  /** Unknown keys are shown at the key itself rather than at its value. */
  readonly at?: 'key' | 'value';
}

type Item = { readonly error: ErrorObject } | { readonly issue: PointerIssue; readonly instancePath: string };

/** Issues for ajv's errors (ajv run with `allErrors` and `verbose`), pointers prefixed with `prefix`. */
export function schemaIssues(errors: readonly ErrorObject[], prefix = ''): PointerIssue[] {
  const items: Item[] = [];
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') items.push(...collapseAlternatives(error, takeBranchItems(items, error)));
    // An `if` error only says "must match then"; the `then` errors before it carry the detail.
    else if (error.keyword !== 'if') items.push({ error });
  }
  const issues = items.map((item) => ('issue' in item ? item.issue : describeError(item.error)));
  return unique(issues.map((issue) => ({ ...issue, pointer: prefix + issue.pointer })));
}

// ajv reports every failed alternative and then "must match exactly one schema in oneOf". The alternatives' errors
// are the ones just before, at or below the same value (errors of keywords beside the oneOf share its parent schema).
function takeBranchItems(items: Item[], error: ErrorObject): Item[] {
  const taken: Item[] = [];
  while (items.length > 0) {
    const last = items[items.length - 1];
    const path = 'error' in last ? last.error.instancePath : last.instancePath;
    const sibling = 'error' in last && last.error.parentSchema === error.parentSchema;
    if (!isWithin(path, error.instancePath) || sibling) break;
    taken.unshift(items.pop()!);
  }
  return taken;
}

// One clear message: when the value has the type of one alternative, that alternative's own errors; when it has the
// type of none, "must be number or object with …".
function collapseAlternatives(error: ErrorObject, branches: Item[]): Item[] {
  const at = error.instancePath;
  const typeMisses = branches.filter((item): item is { error: ErrorObject } => 'error' in item && item.error.keyword === 'type' && item.error.instancePath === at);
  const rest = branches.filter((item) => !typeMisses.includes(item as { error: ErrorObject }));
  if (rest.length > 0) return rest;
  if (typeMisses.length === 0) {
    const message = `matches more than one of the alternatives (${String(error.params.passingSchemas ?? '')}); make it match exactly one`;
    return [{ instancePath: at, issue: { pointer: at, message } }];
  }
  const expected = [...new Set(typeMisses.map((item) => expectedType(item.error)))].join(' or ');
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  const issue: PointerIssue = { pointer: at, message: `must be ${expected} (got ${describeTyped(error.data)})`, ...(description ? { hint: description } : {}) };
  return [{ instancePath: at, issue }];
}

function expectedType(error: ErrorObject): string {
  const types = String(error.params.type).split(',');
  const required = (error.parentSchema as { required?: string[] } | undefined)?.required ?? [];
  return types.map((type) => (type === 'object' && required.length > 0 ? `object with ${required.map(quote).join(', ')}` : type)).join(' or ');
}

/** The `params` ajv gives each keyword's errors (only those of the error's keyword are present). */
interface AjvParams {
  type?: string;
  missingProperty?: string;
  additionalProperty?: string;
  allowedValues?: unknown[];
  allowedValue?: unknown;
  comparison?: string;
  limit?: number;
  multipleOf?: number;
  pattern?: string;
  format?: string;
  i?: number;
  j?: number;
}

function describeError(error: ErrorObject): PointerIssue {
  const pointer = error.instancePath;
  const got = `(got ${describeValue(error.data)})`;
  const params = error.params as AjvParams;
  switch (error.keyword) {
    case 'type':
      return { pointer, message: `must be ${String(params.type).split(',').join(' or ')} (got ${describeTyped(error.data)})` };
    case 'required':
      return { pointer, message: `missing required key ${quote(params.missingProperty)}` };
    case 'additionalProperties':
      return unknownKey(error, String(params.additionalProperty));
    case 'enum':
      return { pointer, message: `must be one of ${(params.allowedValues ?? []).map((value) => describeValue(value)).join(', ')} ${got}` };
    case 'const':
      return { pointer, message: `must be ${describeValue(params.allowedValue)} ${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer, message: `must be ${params.comparison} ${params.limit} ${got}` };
    case 'multipleOf':
      return { pointer, message: `must be a multiple of ${params.multipleOf} ${got}` };
    case 'minItems':
      return { pointer, message: `must have at least ${count(params.limit, 'item')} (got ${lengthOf(error.data)})` };
    case 'maxItems':
      return { pointer, message: `must have at most ${count(params.limit, 'item')} (got ${lengthOf(error.data)})` };
    case 'minLength':
      return { pointer, message: params.limit === 1 ? 'must not be empty' : `must be at least ${count(params.limit, 'character')} long ${got}` };
    case 'maxLength':
      return { pointer, message: `must be at most ${count(params.limit, 'character')} long (got ${lengthOf(error.data)})` };
    case 'minProperties':
      return { pointer, message: `must have at least ${count(params.limit, 'key')}` };
    case 'maxProperties':
      return { pointer, message: `must have at most ${count(params.limit, 'key')}` };
    case 'pattern':
      return { pointer, message: `must match the pattern ${params.pattern} ${got}` };
    case 'format':
      return { pointer, message: `must be a valid ${params.format} ${got}` };
    case 'uniqueItems':
      return { pointer, message: `must not repeat items (items ${params.j} and ${params.i} are equal)` };
    case 'false schema':
      return { pointer, message: 'is not allowed here' };
    default:
      return { pointer, message: `${error.message ?? `fails "${error.keyword}"`} ${got}` };
  }
}

function unknownKey(error: ErrorObject, key: string): PointerIssue {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const known = isPlainObject(properties) ? Object.keys(properties) : [];
  const advice = known.length > 0 ? suggestion(key, known) : 'no keys are allowed here';
  return { pointer: `${error.instancePath}${toPointer([key])}`, message: `unknown key ${quote(key)}; ${advice}`, at: 'key' };
}

function unique(issues: PointerIssue[]): PointerIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function quote(text: unknown): string {
  return JSON.stringify(String(text));
}

function count(n: number | undefined, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function lengthOf(value: unknown): number | string {
  return Array.isArray(value) || typeof value === 'string' ? value.length : describeValue(value);
}
