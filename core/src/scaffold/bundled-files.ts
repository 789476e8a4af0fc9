// Files that come with distill rather than with its code: the editor schema and the example manifests. The build
// copies them from the workspace (schemas/, experiments/) into core's dist/bundled/ (scripts/bundle-core-files.mjs),
// so they ship in the package and are found the same way in the workspace and once installed.
import { fileURLToPath } from 'node:url';

// From core/src/scaffold and core/dist/scaffold alike, core's folder is two levels up.
const BUNDLED = new URL('../../dist/bundled/', import.meta.url);

/** The schema `distill schema` writes for the built-in plugins, which manifests name in `$schema`. */
export function editorSchemaFile(): string {
  return fileURLToPath(new URL('schemas/distill.schema.json', BUNDLED));
}

/** The example manifests `distill init experiment --from <name>` starts from. */
export function examplesDir(): string {
  return fileURLToPath(new URL('experiments', BUNDLED));
}
