// `distill init experiment`: a manifest to start from (an example, or a manifest of one's own) with `$schema` pointing
// at the editor schema from where it is written, so an editor completes and checks it at once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { suggestion } from '../plugins/did-you-mean.js';
import { isPathSpecifier } from '../plugins/plugin-loader.js';
import { editorSchemaFile, examplesDir } from './bundled-files.js';
import { refuseDistillPackage } from './project-root.js';
import { relativeSpecifier } from './relative-specifier.js';
import { writeNewFiles } from './write-new-files.js';
import { withTopLevelValues } from './with-top-level-values.js';

export interface ScaffoldExperimentOptions {
  /** An example's name (`quickstart`) or a manifest file to copy. */
  readonly from: string;
  readonly out: string;
  /** The editor schema to name in `$schema` (default: the one for the built-in plugins). */
  readonly schema?: string;
  readonly overwrite?: boolean;
}

const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function scaffoldExperiment(options: ScaffoldExperimentOptions): string {
  const source = starterFile(options.from);
  const out = resolve(options.out);
  refuseDistillPackage(dirname(out));
  const text = readFileSync(source, 'utf8');
  const manifest = readStarter(text, source);
  const name = experimentName(out);
  const values: Record<string, unknown> = { $schema: relativeSpecifier(dirname(out), options.schema ?? editorSchemaFile()) };
  if (EXPERIMENT_NAME.test(name)) values.name = name;
  if (Array.isArray(manifest.plugins)) values.plugins = manifest.plugins.map((entry) => rebase(entry, dirname(source), dirname(out)));
  writeNewFiles({ [out]: withTopLevelValues(text, values) }, options.overwrite);
  return out;
}

/** Named after the file, or after its folder when the file is just `manifest.json` (`experiments/my-kd/manifest.json`). */
function experimentName(out: string): string {
  const file = basename(out, extname(out));
  return file === 'manifest' ? basename(dirname(out)) : file;
}

/** The names `--from` accepts: the example manifests. */
export function exampleNames(): string[] {
  const dir = examplesDir();
  return existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')).map((file) => basename(file, '.json')).sort() : [];
}

function starterFile(from: string): string {
  if (isPathSpecifier(from) || from.endsWith('.json')) {
    const file = resolve(from);
    if (!existsSync(file)) throw new UserError(`--from ${from}: no file ${file}`);
    return file;
  }
  const names = exampleNames();
  if (!names.includes(from)) throw new UserError(`--from ${from}: no such example; ${suggestion(from, names)} (or give a manifest file)`);
  return join(examplesDir(), `${from}.json`);
}

function readStarter(text: string, file: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UserError(`--from ${file}: not a JSON manifest (check it with distill validate)`);
}

// A plugin path is relative to its manifest: moving the manifest must move the path with it.
function rebase(entry: unknown, from: string, to: string): unknown {
  if (typeof entry !== 'string' || !isPathSpecifier(entry)) return entry;
  return relativeSpecifier(to, resolve(from, entry));
}
