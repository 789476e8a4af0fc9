// The manifest's JSON Schema, read from core/schemas/experiment.schema.json (the source of truth for its structure).
import { readFileSync } from 'node:fs';
import type { JsonSchema } from '../plugins/json-schema.js';

// From core/src/manifest and core/dist/manifest alike, core's schemas/ is two levels up (it ships in the package).
const schemaUrl = new URL('../../schemas/experiment.schema.json', import.meta.url);

let cached: JsonSchema | undefined;

/** A fresh copy each time: callers (ajv, the editor-schema composer) may keep or change it. */
export function experimentSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(schemaUrl, 'utf8')) as JsonSchema;
  return structuredClone(cached);
}
