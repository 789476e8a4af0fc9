// A parsed manifest → validated, defaulted experiment: apply `--set` overrides, check structure, check plugin
// references and their params, loss weights that make the objective meaningless; every issue of every pass is
// reported at once, each with its place.
import { dirname } from 'node:path';
import type { PluginHost } from '../plugins/plugin-host.js';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import type { ParsedManifest } from './parse-manifest-text.js';
import { overrideFlag, tryApplyOverrides } from './overrides.js';
import { structureIssues } from './validate-structure.js';
import { referenceIssues } from './validate-references.js';
import { lossWeightIssues } from './loss-weight-issues.js';
import { issuePlacer } from './place-issues.js';
import { fromPointer } from './json-pointer.js';
import { pruningScheduleIssues } from './compression-issues.js';
import type { ResolvedExperiment } from './resolved-experiment.js';

export interface LoadedManifest {
  /** Absolute path of the manifest. */
  readonly file: string;
  /** Its directory: relative paths in the manifest resolve from here. */
  readonly dir: string;
  readonly experiment: ResolvedExperiment;
  /** Whether the manifest (or a `--set`) chose its tracker, rather than leaving `tracking` to its default. */
  readonly namesTracker: boolean;
  /** Where a value is written in the manifest (or its nearest ancestor, for values filled in by defaults). */
  locate(pointer: string): { line: number; column: number };
  /** An issue about the value at `pointer`, placed in the file or at the `--set` flag that set it. */
  issueAt(pointer: string, message: string, hint?: string): ManifestIssue;
}

export interface ValidateManifestOptions {
  /** `--set` flags: `losses.0.params.temperature=8`. */
  readonly overrides?: readonly string[];
  /** Resolves plugin types; its registries decide which types exist and what their params are. */
  readonly host: PluginHost;
}

/** Validates a parsed manifest (`readManifest` for a file, `parseManifestText` for text) against `host`'s plugins. */
export function validateManifest(parsed: ParsedManifest, options: ValidateManifestOptions): LoadedManifest {
  const { value, applied, issues: flagIssues } = tryApplyOverrides(parsed.raw, options.overrides ?? []);
  const place = issuePlacer(parsed.file, parsed.source, applied);
  const issues = [
    ...flagIssues,
    ...duplicateKeyIssues(parsed),
    ...structureIssues(value).map(place),
    ...referenceIssues(value, options.host.registries).map(place),
    ...lossWeightIssues(value).map(place),
  ];
  if (issues.length === 0) issues.push(...pruningScheduleIssues(value as Parameters<typeof pruningScheduleIssues>[0]).map(place));
  if (issues.length > 0) throw new ManifestError(inFlagOrder(issues, options.overrides ?? []));
  return {
    file: parsed.file,
    dir: dirname(parsed.file),
    experiment: value as unknown as ResolvedExperiment,
    namesTracker: isObject(parsed.raw) && 'tracking' in parsed.raw || (options.overrides ?? []).some((text) => /^tracking(\.|=)/.test(text)),
    locate: (pointer) => {
      const { line, column } = parsed.source.locate(pointer);
      return { line, column };
    },
    issueAt: (pointer, message, hint) => place({ pointer, message, ...(hint ? { hint } : {}) }),
  };
}

function duplicateKeyIssues({ file, source }: ParsedManifest): ManifestIssue[] {
  return source.duplicateKeys().map(({ pointer, position }) => ({
    file,
    ...position,
    pointer,
    message: `duplicate key "${fromPointer(pointer).at(-1)}"; the earlier value would be ignored`,
  }));
}

// Issues placed at `--set` flags have no line; they follow the file's issues in the order the flags were given.
function inFlagOrder(issues: ManifestIssue[], overrides: readonly string[]): ManifestIssue[] {
  const rank = (issue: ManifestIssue) => (issue.line > 0 ? -1 : overrides.findIndex((text) => overrideFlag({ text }) === issue.file));
  return [...issues].sort((a, b) => rank(a) - rank(b));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
