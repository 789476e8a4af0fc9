// Gives pointer issues their place: the line and column in the manifest, or the `--set` flag that put the value there.
import type { ManifestIssue } from './manifest-error.js';
import type { AppliedOverride } from './overrides.js';
import type { JsonSource } from './json-source.js';
import type { PointerIssue } from './schema-issues.js';
import { isWithin } from './json-pointer.js';

export type IssuePlacer = (issue: PointerIssue) => ManifestIssue;

export function issuePlacer(file: string, source: JsonSource, applied: readonly AppliedOverride[]): IssuePlacer {
  return ({ pointer, message, hint, at }) => {
    const override = overrideAt(pointer, source, applied);
    const place = override ? { file: override.flag, line: 0, column: 0 } : { file, ...position(source, pointer, at) };
    return { ...place, pointer, message, ...(hint ? { hint } : {}) };
  };
}

// A value an override set (or a section an override created) is the flag's doing, not the file's.
function overrideAt(pointer: string, source: JsonSource, applied: readonly AppliedOverride[]): AppliedOverride | undefined {
  const setting = applied.findLast((override) => isWithin(pointer, override.pointer));
  if (setting || source.has(pointer)) return setting;
  return applied.findLast((override) => isWithin(override.pointer, pointer));
}

function position(source: JsonSource, pointer: string, at: PointerIssue['at']): { line: number; column: number } {
  const { line, column } = source.locate(pointer, at);
  return { line, column };
}
