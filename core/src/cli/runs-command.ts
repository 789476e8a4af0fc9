// `distill runs [runsDir]`: the local runs as a table: id, name, status, key metrics, and whether MLflow has them.
// A sweep directory (given, or inside the directory given) is listed as its trials' runs under a line for the sweep.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { findRunsAndSweeps, type SweepDir } from '../sweep/find-runs-and-sweeps.js';
import { readJournal } from '../tracking/run-journal.js';
import { readMlflowState } from '../tracking/mlflow/mlflow-sync-state.js';
import { runProcessGone } from '../tracking/heartbeat.js';

const KEY_METRICS_SHOWN = 3;

export interface LocalRunRow {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  /** `synced`, `pending k/n` (events in MLflow / in the journal), or `local only`. */
  readonly mlflow: string;
  /** The sweep the run is a trial of. */
  readonly sweep?: string;
  /** A DIED run: the last training step it journaled, and how to continue it. */
  readonly lastStep?: { readonly key: string; readonly step: number; readonly epoch: number };
  readonly resume?: string;
}

export function register(command: Command): void {
  command
    .argument('[runsDir]', 'directory of runs', 'runs')
    .option('--json', 'print the rows as JSON')
    .action((runsDir: string, options: { json?: boolean }) => {
      const found = existsSync(runsDir) ? findRunsAndSweeps(runsDir) : { runDirs: [], sweeps: [] };
      const rows = found.runDirs.map((dir) => localRunRow(dir));
      const sweeps = found.sweeps.map((sweep) => ({ sweep, rows: sweep.runDirs.map((dir) => localRunRow(dir, sweep.record.sweepId, sweep.dir)) }));
      if (options.json) process.stdout.write(`${JSON.stringify([...rows, ...sweeps.flatMap((s) => s.rows)], null, 2)}\n`);
      else if (rows.length === 0 && sweeps.length === 0) process.stdout.write(`no runs in ${runsDir}\n`);
      else {
        const blocks = [...(rows.length ? [formatRunsTable(rows)] : []), ...sweeps.map(({ sweep, rows: trials }) => `${sweepLine(sweep)}\n${trials.length ? formatRunsTable(trials) : '(no trial runs yet)'}`)];
        process.stdout.write(`${blocks.join('\n')}\n`);
      }
    });
}

/** `sweep 20261128-…: finished, 4 trials; recorded in mlflow (parentRunId 3f9a…)` */
function sweepLine({ dir, record }: SweepDir): string {
  const tracking = record.tracking;
  const where = tracking ? `recorded in ${tracking.type}${Object.keys(tracking.state).length ? ` (${Object.entries(tracking.state).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}` : 'recorded locally';
  return `sweep ${record.sweepId} (${dir}): ${record.status}, ${record.trials.length} trial${record.trials.length === 1 ? '' : 's'}; ${where}`;
}

/** `sweepDir`: the sweep the run is a trial of, which continues it (`distill sweep --resume`). */
export function localRunRow(runDir: string, sweep?: string, sweepDir?: string): LocalRunRow {
  const journal = readJournal(runDir);
  const summary = readSummary(runDir);
  const started = journal.find((event) => event.type === 'run-started');
  const ended = journal.find((event) => event.type === 'run-ended');
  const state = readMlflowState(runDir);
  const total = journal.length;
  const status = runStatus(runDir, summary, ended?.type === 'run-ended' ? ended.status : undefined);
  const lastStep = status === 'DIED' ? lastTrainingStep(runDir) : undefined;
  return {
    id: basename(runDir),
    name: summary?.name ?? (started?.type === 'run-started' ? started.name : ''),
    status,
    ...(lastStep ? { lastStep } : {}),
    ...(status === 'DIED' ? { resume: sweepDir ? `distill sweep --resume ${sweepDir}` : `distill run --resume ${runDir}` } : {}),
    metrics: summary?.metrics ?? {},
    mlflow: !state ? 'local only' : state.deliveredSeq >= total && state.runId ? 'synced' : `pending ${state.deliveredSeq}/${total}`,
    ...(sweep ? { sweep } : {}),
  };
}

export function formatRunsTable(rows: readonly LocalRunRow[]): string {
  const table = new Table({ head: ['run', 'name', 'status', 'key metrics', 'mlflow'], style: { head: [], border: [] } });
  for (const row of rows) table.push([row.id, row.name, statusCell(row), keyMetrics(row.metrics), row.mlflow]);
  return table.toString();
}

// The headline numbers: the student's test results first, then other accuracies, then the rest, alphabetically.
function keyMetrics(metrics: Readonly<Record<string, number | null>>): string {
  const rank = (key: string) => (key.startsWith('student/test/') ? 0 : /acc/i.test(key) ? 1 : 2);
  const keys = Object.keys(metrics).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.slice(0, KEY_METRICS_SHOWN).map((key) => `${key}=${format(metrics[key])}`).join(' ');
}

function format(value: number | null): string {
  return value === null ? 'NaN' : Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/**
 * A run's status: summary.json's (EARLY-TERMINATED for a sweep trial its sweep stopped), else the journal's end, else
 * RUNNING while its process lives and DIED once it is gone.
 */
function runStatus(runDir: string, summary: SummaryFile | undefined, ended: string | undefined): string {
  if (summary?.status === 'FINISHED' && Object.values(summary.stages ?? {}).some((s) => s?.stoppedEarly === true && s.stoppedBy !== 'early-stopping')) return 'EARLY-TERMINATED';
  const status = summary?.status ?? ended ?? 'RUNNING';
  return status === 'RUNNING' && runProcessGone(runDir) ? 'DIED' : status;
}

function statusCell(row: LocalRunRow): string {
  if (row.status !== 'DIED') return row.status;
  const where = row.lastStep ? ` after ${row.lastStep.key.split('/train/')[0]} step ${row.lastStep.step + 1} (epoch ${row.lastStep.epoch + 1})` : '';
  return `DIED${where}\nresume: ${row.resume}`;
}

/** The last training step the run journaled (its last `<stage>/train/loss` point). */
function lastTrainingStep(runDir: string): LocalRunRow['lastStep'] {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const point = JSON.parse(lines[i]) as { key?: unknown; step?: unknown; epoch?: unknown };
      if (typeof point.key === 'string' && point.key.endsWith('/train/loss') && typeof point.step === 'number' && typeof point.epoch === 'number') {
        return { key: point.key, step: point.step, epoch: point.epoch };
      }
    } catch {
      // a torn last line
    }
  }
  return undefined;
}

interface SummaryFile {
  name?: string;
  status?: string;
  metrics?: Record<string, number | null>;
  stages?: Record<string, { stoppedEarly?: unknown; stoppedBy?: unknown } | undefined>;
}

function readSummary(runDir: string): SummaryFile | undefined {
  const file = join(runDir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SummaryFile;
  } catch {
    return undefined;
  }
}
