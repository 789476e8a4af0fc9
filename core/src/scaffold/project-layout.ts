// Where things go in a project `distill init project` made, relative to its root; and where `distill init
// plugin|experiment` write by default: into such a project when run inside one, else into the working directory.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { editorSchemaFile } from './bundled-files.js';
import { findProjectRoot } from './project-root.js';

export const PROJECT_LAYOUT = {
  pluginsDir: 'plugins',
  experimentsDir: 'experiments',
  manifest: 'experiments/example.json',
  /** The editor schema with the project's plugins (`npm run schema` regenerates it). */
  schema: 'distill.schema.json',
} as const;

export interface ScaffoldPlaces {
  /** The user's project the working directory is in, if any. */
  readonly root?: string;
  /** Where `init plugin` writes. */
  readonly pluginsDir: string;
  /** Where `init experiment` writes, and where a manifest is assumed to be when telling how to list a plugin. */
  readonly experimentsDir: string;
  /** The editor schema a new manifest names in `$schema`: the project's, else the one for the built-in plugins. */
  readonly schema: string;
}

export function scaffoldPlaces(cwd: string = process.cwd()): ScaffoldPlaces {
  const root = findProjectRoot(cwd);
  if (!root) return { pluginsDir: resolve(cwd, PROJECT_LAYOUT.pluginsDir), experimentsDir: resolve(cwd), schema: editorSchemaFile() };
  const schema = join(root, PROJECT_LAYOUT.schema);
  return {
    root,
    pluginsDir: join(root, PROJECT_LAYOUT.pluginsDir),
    experimentsDir: join(root, PROJECT_LAYOUT.experimentsDir),
    schema: existsSync(schema) ? schema : editorSchemaFile(),
  };
}
