// `distill sweep <file>`: reads the sweep and validates everything before the first trial — the base manifest, the
// sweep spec, and the manifest of every trial (for random and tpe, a sample and the extremes) — each issue placed in
// the file it comes from. <file> is a manifest with a `sweep` section, or a sweep file naming a base manifest:
//   { "manifest": "./quickstart.json", "sweep": { "parameters": { ... } } }
// `--set sweep.…` changes the sweep spec; any other `--set` changes the base manifest.
import { dirname, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Sweep, SweepFile } from '../manifest/generated/experiment.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import { readManifest } from '../manifest/read-manifest.js';
import type { ParsedManifest } from '../manifest/parse-manifest-text.js';
import { pluginHostForManifest } from '../manifest/open-manifest.js';
import { validateManifest, type LoadedManifest } from '../manifest/validate-manifest.js';
import { ManifestError, type ManifestIssue } from '../manifest/manifest-error.js';
import { tryApplyOverrides } from '../manifest/overrides.js';
import { issuePlacer, type IssuePlacer } from '../manifest/place-issues.js';
import { createManifestAjv } from '../manifest/manifest-ajv.js';
import { experimentSchema } from '../manifest/experiment-schema.js';
import { schemaIssues, type PointerIssue } from '../manifest/schema-issues.js';
import { structureIssues } from '../manifest/validate-structure.js';
import { contentKey } from '../run/cache/training-cache.js';
import { parseSweepSpec, type SweepSpec } from './sweep-spec.js';
import { distillStageNames } from '../run/pipeline/plan-stages.js';
import { createProposer } from './trial-proposer.js';
import { validationAssignments } from './validation-assignments.js';
import { assignmentsIssues, type RawManifest } from './trial-manifest.js';

export interface OpenSweepOptions {
  /** `--set` flags: `sweep.…` ones change the spec, the others the base manifest. */
  readonly overrides?: readonly string[];
  /** `--plugin` specifiers, relative to the working directory. */
  readonly cliPlugins?: readonly string[];
  /** Replaces the default plugin packages (embedders, tests). */
  readonly defaultPlugins?: readonly string[];
}

export interface OpenedSweep {
  readonly spec: SweepSpec;
  /** The base manifest as written, `--set` applied, the schema's defaults filled in, without `sweep`: trials start from it. */
  readonly base: RawManifest;
  /** The base manifest, validated (the defaults trials share). */
  readonly loaded: LoadedManifest;
  readonly host: PluginHost;
  /** Where the spec was read (a manifest, or a sweep file), and the base manifest. */
  readonly specFile: string;
  readonly baseFile: string;
  /** Changes whenever the trials would: a resumed sweep must have the same. */
  readonly fingerprint: string;
}

export async function openSweep(file: string, options: OpenSweepOptions = {}): Promise<OpenedSweep> {
  const overrides = options.overrides ?? [];
  const parsed = await readManifest(file);
  const source = 'manifest' in parsed.raw ? await fromSweepFile(parsed, overrides) : embedded(parsed, overrides);
  const host = await pluginHostForManifest(source.base, {
    overrides: source.baseOverrides,
    cliPlugins: options.cliPlugins ?? [],
    ...(options.defaultPlugins ? { defaultPlugins: options.defaultPlugins } : {}),
  });
  const loaded = validateManifest(source.base, { overrides: source.baseOverrides, host });
  const sweep = source.sweep ?? loaded.experiment.sweep;
  if (!sweep) {
    throw new ManifestError([{ file: parsed.file, line: 1, column: 1, pointer: '', message: 'has no "sweep" section: add one, or write a sweep file that names this manifest', hint: 'see docs/sweeps.md' }]);
  }
  const { spec, issues } = parseSweepSpec(sweep, loaded.experiment.seed, distillStageNames(loaded.experiment));
  if (!spec) throw placedError(issues, source.place);
  const written = tryApplyOverrides(source.base.raw, source.baseOverrides).value as RawManifest;
  // Parameters are set in the manifest with the schema's defaults filled in (not the plugins' params defaults), so a
  // parameter can reach into a section the manifest leaves to its default: `optimizer.params.learningRate`.
  const base = structuredClone(written);
  structureIssues(base);
  delete base.sweep;
  const proposer = createProposer(spec);
  const trialIssues = assignmentsIssues(base, spec.parameters, validationAssignments(spec, proposer.limit), host.registries);
  if (trialIssues.length > 0) throw placedError(trialIssues, source.place);
  return {
    spec,
    base,
    loaded,
    host,
    specFile: parsed.file,
    baseFile: source.base.file,
    // runCap and concurrency may change on resume: the trials already proposed stay the same.
    fingerprint: contentKey({ spec: { ...spec, runCap: undefined, concurrency: undefined }, base }),
  };
}

interface SweepSource {
  readonly base: ParsedManifest;
  readonly baseOverrides: readonly string[];
  /** The spec when it comes from a sweep file (else it is the base manifest's `sweep`). */
  readonly sweep?: Sweep;
  /** Places issues whose pointers are relative to the `sweep` section. */
  readonly place: IssuePlacer;
}

function embedded(parsed: ParsedManifest, overrides: readonly string[]): SweepSource {
  const { applied } = tryApplyOverrides(parsed.raw, overrides);
  return { base: parsed, baseOverrides: overrides, place: withinSweep(issuePlacer(parsed.file, parsed.source, applied)) };
}

async function fromSweepFile(parsed: ParsedManifest, overrides: readonly string[]): Promise<SweepSource> {
  const sweepOverrides = overrides.filter(isSweepOverride);
  const { value, applied, issues: flagIssues } = tryApplyOverrides(parsed.raw, sweepOverrides);
  const place = issuePlacer(parsed.file, parsed.source, applied);
  const issues = [...flagIssues, ...sweepFileIssues(value).map(place)];
  if (issues.length > 0) throw new ManifestError(issues);
  const file = value as unknown as SweepFile;
  const baseFile = resolve(dirname(parsed.file), file.manifest);
  const base = await readManifest(baseFile).catch((error: unknown) => {
    if (!(error instanceof ManifestError) || error.issues[0]?.line !== 0) throw error;
    throw new ManifestError([place({ pointer: '/manifest', message: `${file.manifest}: ${error.issues[0].message}` })]);
  });
  return { base, baseOverrides: overrides.filter((o) => !isSweepOverride(o)), sweep: file.sweep, place: withinSweep(place) };
}

function isSweepOverride(text: string): boolean {
  return text.startsWith('sweep.');
}

let sweepFileValidator: ValidateFunction | undefined;

/** A sweep file's structure against `definitions/SweepFile`; fills in the spec's defaults. */
function sweepFileIssues(value: unknown): PointerIssue[] {
  sweepFileValidator ??= createManifestAjv().compile({ definitions: experimentSchema().definitions, $ref: '#/definitions/SweepFile' });
  return sweepFileValidator(value) ? [] : schemaIssues(sweepFileValidator.errors ?? []);
}

function withinSweep(place: IssuePlacer): IssuePlacer {
  return (issue) => place({ ...issue, pointer: `/sweep${issue.pointer}` });
}

function placedError(issues: readonly PointerIssue[], place: IssuePlacer): ManifestError {
  return new ManifestError(issues.map((issue): ManifestIssue => place(issue)));
}
