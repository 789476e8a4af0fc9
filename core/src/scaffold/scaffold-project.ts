// `distill init project <dir>`: a standalone project that uses distill as installed packages: package.json (ESM,
// scripts), a strict tsconfig.json, an example manifest whose `$schema` is the project's own editor schema (its
// plugins included), an example plugin with its test, a README and a .gitignore.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { composeEditorSchema } from '../manifest/compose-schema.js';
import { readDefaultCatalogs } from '../plugins/plugin-catalog.js';
import { distillVersion } from '../version.js';
import { PROJECT_LAYOUT } from './project-layout.js';
import { refuseDistillPackage } from './project-root.js';
import { relativeSpecifier } from './relative-specifier.js';
import { writeNewFiles } from './write-new-files.js';
import { FEATURE_COSINE, featureCosineTemplate } from './templates/feature-cosine-template.js';
import { projectPackageTemplate, type ProjectVersions } from './templates/project-package-template.js';
import { projectTsconfigTemplate } from './templates/project-tsconfig-template.js';
import { projectGitignoreTemplate } from './templates/project-gitignore-template.js';
import { projectManifestTemplate } from './templates/project-manifest-template.js';
import { projectReadmeTemplate } from './templates/project-readme-template.js';

export interface ScaffoldProjectOptions {
  readonly dir: string;
  readonly overwrite?: boolean;
}

export interface ScaffoldedProject {
  readonly root: string;
  readonly files: readonly string[];
}

export function scaffoldProject(options: ScaffoldProjectOptions): ScaffoldedProject {
  const root = resolve(options.dir);
  refuseDistillPackage(root);
  const { pluginsDir, manifest, schema } = PROJECT_LAYOUT;
  const example = featureCosineTemplate();
  const pluginFile = `${pluginsDir}/${FEATURE_COSINE.name}.ts`;
  const files: Record<string, string> = {
    'package.json': projectPackageTemplate(projectName(root), manifest, schema, projectVersions()),
    'tsconfig.json': projectTsconfigTemplate(pluginsDir),
    '.gitignore': projectGitignoreTemplate(),
    'README.md': projectReadmeTemplate(basename(root), { manifest, schema, pluginsDir, plugin: pluginFile }),
    [manifest]: projectManifestTemplate(fromManifest(schema), fromManifest(pluginFile), example),
    [schema]: editorSchema(),
    [pluginFile]: example.plugin,
    [`${pluginsDir}/${FEATURE_COSINE.name}.test.ts`]: example.test,
  };
  const written = writeNewFiles(Object.fromEntries(Object.entries(files).map(([path, text]) => [join(root, path), text])), options.overwrite);
  return { root, files: written };
}

/**
 * What `distill schema --manifest <example> --out <schema>` writes once the project is installed, composed now from
 * the built-in plugins' catalog and what the example plugin declares: the project's packages are not installed yet,
 * so its plugin cannot be loaded.
 */
function editorSchema(): string {
  const listings = readDefaultCatalogs(undefined, [FEATURE_COSINE]);
  if (!listings) throw new UserError('cannot read the catalog of the built-in plugins (@distill/plugins): is it installed next to @distill/core?');
  return `${JSON.stringify(composeEditorSchema(listings), null, 2)}\n`;
}

/** The versions of the distill that writes the project: its packages are released together. */
function projectVersions(): ProjectVersions {
  const core = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
  return { distill: distillVersion(), tfjs: core.peerDependencies['@tensorflow/tfjs'] };
}

/** A path in the project as the example manifest writes it (relative to the manifest). */
function fromManifest(path: string): string {
  return relativeSpecifier(dirname(PROJECT_LAYOUT.manifest), path);
}

/** npm's rules: lower case, no spaces, at most 214 characters. */
function projectName(root: string): string {
  const name = basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '').slice(0, 214);
  return name || 'distill-project';
}
