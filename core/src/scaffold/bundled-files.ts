// Files that come with distill rather than with its code: the editor schema and the example manifests. They sit in
// the workspace beside core (schemas/, experiments/), or in core's own package folder once it is packed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// From core/src/scaffold and core/dist/scaffold alike: core's folder is two levels up, the workspace three.
const CANDIDATE_ROOTS = ['../../', '../../../'].map((up) => fileURLToPath(new URL(up, import.meta.url)));

function bundled(path: string): string {
  const found = CANDIDATE_ROOTS.map((root) => root + path).find((candidate) => existsSync(candidate));
  return found ?? CANDIDATE_ROOTS[CANDIDATE_ROOTS.length - 1] + path;
}

/** The schema `distill schema` writes for the built-in plugins, which manifests name in `$schema`. */
export function editorSchemaFile(): string {
  return bundled('schemas/distill.schema.json');
}

/** The example manifests `distill init experiment --from <name>` starts from. */
export function examplesDir(): string {
  return bundled('experiments');
}
