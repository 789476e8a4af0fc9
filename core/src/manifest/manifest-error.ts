// Manifest errors are values with a place: every issue names its file, line, column and JSON pointer.
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';

export interface ManifestIssue {
  /** Absolute path of the manifest, or the place the value came from (`--set training.epochs=0`). */
  readonly file: string;
  /** 1-based; 0 when the issue has no position in a file (a missing file, a `--set` flag). */
  readonly line: number;
  readonly column: number;
  /** JSON pointer of the offending value (`/losses/0/params/temperature`); '' for the whole manifest. */
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string;
}

/** One line per issue, in source order: `experiments/x.json:14:22: /losses/0/params/temperature: must be > 0 (got -1)`. */
export class ManifestError extends UserError {
  readonly issues: ManifestIssue[];

  constructor(issues: readonly ManifestIssue[]) {
    const sorted = sortIssues(issues);
    super(sorted.map(formatIssue).join('\n'));
    this.name = 'ManifestError';
    this.issues = sorted;
  }
}

export function formatIssue(issue: ManifestIssue): string {
  const file = displayPath(issue.file);
  const place = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  const pointer = issue.pointer === '' ? '' : `${issue.pointer}: `;
  const hint = issue.hint ? `; hint: ${issue.hint}` : '';
  return `${place}: ${pointer}${issue.message}${hint}`;
}

/** Issues with a position by line and column; those without one (`--set` flags) after them, in the order given. */
export function sortIssues(issues: readonly ManifestIssue[]): ManifestIssue[] {
  const rank = (issue: ManifestIssue) => (issue.line > 0 ? issue.line : Number.POSITIVE_INFINITY);
  return [...issues].sort((a, b) => rank(a) - rank(b) || a.column - b.column);
}
