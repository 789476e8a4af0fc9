// Text → a manifest object with source locations; anything that is not a JSON object is one precise issue.
import { findTextHazard } from './find-text-hazard.js';
import { JsonSource, JsonSyntaxError } from './json-source.js';
import { ManifestError } from './manifest-error.js';

export interface ParsedManifest {
  /** Absolute path of the manifest (or a label such as `<stdin>` for text that has no file). */
  readonly file: string;
  /** The manifest as written: no overrides, no defaults. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly source: JsonSource;
}

export function parseManifestText(text: string, file: string): ParsedManifest {
  const fail = (message: string, line = 0, column = 0): never => {
    throw new ManifestError([{ file, line, column, pointer: '', message }]);
  };
  if (text.trim() === '') fail('manifest is empty; expected a JSON object');
  const hazard = findTextHazard(text);
  if (hazard) fail(hazard.message, hazard.line, hazard.column);
  let source: JsonSource;
  try {
    source = JsonSource.parse(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return fail(`invalid JSON: ${error.message}`, error.line, error.column);
  }
  const raw = source.value();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const position = source.locate('');
    fail(`manifest must be a JSON object (got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw})`, position.line, position.column);
  }
  return { file, raw: raw as Record<string, unknown>, source };
}
