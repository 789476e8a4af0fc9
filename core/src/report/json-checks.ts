// Small checks for JSON read from run and sweep directories, which may come from another machine or an older or newer
// distill: a report takes what has the expected shape and says what it could not use, rather than trusting a cast.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A number, with JSON's null (how distill writes NaN) read as NaN; undefined for anything else. */
export function numberOrNaN(value: unknown): number | undefined {
  return typeof value === 'number' ? value : value === null ? NaN : undefined;
}

export function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

/** A square matrix of whole, non-negative counts of the given size. */
export function isCountMatrix(value: unknown, size: number): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length === size &&
    value.every((row) => Array.isArray(row) && row.length === size && row.every((n) => Number.isInteger(n) && n >= 0))
  );
}

export type JsonRead = { readonly found: false } | { readonly found: true; readonly value?: unknown; readonly problem?: string };

/** Reads `dir/name` as JSON: absent, parsed, or present but unreadable (with the reason). */
export function readJson(dir: string, name: string): JsonRead {
  const file = join(dir, name);
  if (!existsSync(file)) return { found: false };
  try {
    return { found: true, value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (error) {
    return { found: true, problem: `${name} could not be read: ${(error as Error).message}` };
  }
}
