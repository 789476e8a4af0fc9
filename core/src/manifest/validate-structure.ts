// First validation pass: the manifest's structure against core/schemas/experiment.schema.json; fills in its defaults.
import type { ValidateFunction } from 'ajv';
import { createManifestAjv } from './manifest-ajv.js';
import { experimentSchema } from './experiment-schema.js';
import { schemaIssues, type PointerIssue } from './schema-issues.js';

let validator: ValidateFunction | undefined;

/** Issues in `manifest`'s structure; fills the schema's defaults into `manifest` in place. */
export function structureIssues(manifest: unknown): PointerIssue[] {
  validator ??= createManifestAjv().compile(experimentSchema());
  return validator(manifest) ? [] : schemaIssues(validator.errors ?? []);
}
