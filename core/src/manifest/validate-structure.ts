// First validation pass: the manifest's structure against core/schemas/experiment.schema.json (filling in its
// defaults), and the rules the schema cannot say (manifest-rules.ts).
import type { ValidateFunction } from 'ajv';
import { createManifestAjv } from './manifest-ajv.js';
import { experimentSchema } from './experiment-schema.js';
import { schemaIssues, type PointerIssue } from './schema-issues.js';
import { ruleIssues } from './manifest-rules.js';

let validator: ValidateFunction | undefined;

/** Issues in `manifest`'s structure; fills the schema's defaults into `manifest` in place. */
export function structureIssues(manifest: unknown): PointerIssue[] {
  validator ??= createManifestAjv().compile(experimentSchema());
  const schema = validator(manifest) ? [] : schemaIssues(validator.errors ?? []);
  return [...schema, ...ruleIssues(manifest)];
}
