// `distill report`: which report the directories ask for (one run, several runs, or a sweep), its page, and the file.
// It only reads files: no tfjs, no plugins, so it runs anywhere distill is installed, on directories from anywhere.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { comparisonPage } from './comparison-page.js';
import type { ReportPage } from './page-model.js';
import { isRunDir, readRun, RUN_FILES } from './read-run.js';
import { isSweepDir, readSweep } from './read-sweep.js';
import { renderHtml } from './render-html.js';
import { runPage } from './run-page.js';
import { sweepPage } from './sweep-page.js';

export const REPORT_FILE = 'report.html';
/** Where a comparison goes without --out: the current directory. */
export const COMPARISON_FILE = 'comparison-report.html';

export interface WrittenReport {
  readonly file: string;
  readonly page: ReportPage;
}

/** The report of the given run or sweep directories, written to `out` (by default beside them). */
export function writeReport(dirs: readonly string[], out?: string): WrittenReport {
  const { page, defaultFile } = buildReport(dirs);
  const file = resolve(out ?? defaultFile);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderHtml(page));
  return { file, page };
}

export function buildReport(dirs: readonly string[]): { page: ReportPage; defaultFile: string } {
  const unique = [...new Set(dirs.map((dir) => resolve(dir)))];
  if (unique.length === 0) throw new UserError('give a run directory, several to compare, or a sweep directory');
  const kinds = unique.map(kindOf);
  const sweeps = unique.filter((_, i) => kinds[i] === 'sweep');
  if (sweeps.length > 0) {
    if (unique.length > 1) {
      throw new UserError(`a sweep is reported on its own: ${sweeps.length === unique.length ? 'give one sweep directory at a time' : 'give either run directories or one sweep directory'}`, {
        hint: `distill report ${sweeps[0]}`,
      });
    }
    return { page: sweepPage(readSweep(unique[0])), defaultFile: join(unique[0], REPORT_FILE) };
  }
  if (unique.length === 1) return { page: runPage(readRun(unique[0])), defaultFile: join(unique[0], REPORT_FILE) };
  return { page: comparisonPage(unique.map(readRun)), defaultFile: COMPARISON_FILE };
}

function kindOf(dir: string): 'run' | 'sweep' {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is a file, not a run or sweep directory`, { hint: 'give the directory that holds summary.json, or sweep.json' });
  if (isSweepDir(dir)) return 'sweep';
  if (isRunDir(dir)) return 'run';
  throw new UserError(`${dir} is neither a run directory (it has none of ${RUN_FILES.join(', ')}) nor a sweep directory (no sweep.json)`, {
    hint: 'distill run writes runs/<runId>/ and distill sweep writes sweeps/<sweepId>/; `distill runs` lists the runs',
  });
}
