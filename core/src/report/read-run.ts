// A run directory as a report sees it: the summary (when the run has ended), the resolved manifest, the metric
// journal, the test evaluation (confusion matrices) and the journal's first and last events — each optional, with
// what is missing or unreadable said in `problems`, so a running, failed or damaged run still gets a report.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EVALUATION_FILE, type EvaluatedRole, type TestEvaluation } from '../evaluation/evaluation-file.js';
import { readJournal, EVENTS_FILE, METRICS_FILE } from '../tracking/run-journal.js';
import { SUMMARY_FILE } from '../run/run-summary.js';
import { isCountMatrix, isObject, numberOrNaN, readJson, stringOr, type JsonObject } from './json-checks.js';
import { parseMetricJournal, type MetricSeries } from './metric-journal.js';

export const MANIFEST_FILE = 'manifest.resolved.json';

/** The files whose presence makes a directory a run directory. */
export const RUN_FILES = [SUMMARY_FILE, MANIFEST_FILE, EVENTS_FILE, METRICS_FILE] as const;

export type RunState = 'FINISHED' | 'FAILED' | 'KILLED' | 'RUNNING';

export interface StageSummary {
  readonly steps: number;
  readonly epochs: number;
  readonly stoppedEarly: boolean;
}

export interface RunSummaryData {
  readonly metrics: Readonly<Record<string, number>>;
  readonly stages: Readonly<Record<string, StageSummary>>;
  readonly backend?: { readonly name: string; readonly version?: string };
  readonly durationMs?: number;
  readonly endTime?: string;
  readonly error?: string;
}

export interface RunData {
  readonly dir: string;
  readonly runId: string;
  readonly name: string;
  readonly description?: string;
  readonly status: RunState;
  /** The run has not ended (no summary.json): what it had logged so far. */
  readonly partial: boolean;
  readonly startTime?: string;
  readonly summary?: RunSummaryData;
  readonly manifest?: JsonObject;
  readonly metrics: MetricSeries;
  readonly evaluation?: TestEvaluation;
  /** Sentences about files that are missing or could not be used. */
  readonly problems: readonly string[];
}

export function isRunDir(dir: string): boolean {
  return RUN_FILES.some((file) => existsSync(join(dir, file)));
}

export function readRun(dir: string): RunData {
  const problems: string[] = [];
  const journal = readJournal(dir);
  // The journal is read as plain JSON too: each field is checked before use.
  const started = journal.find((event) => event.type === 'run-started') as JsonObject | undefined;
  const ended = journal.findLast((event) => event.type === 'run-ended') as JsonObject | undefined;

  const summaryRead = readJson(dir, SUMMARY_FILE);
  if (summaryRead.found && summaryRead.problem) problems.push(summaryRead.problem);
  const summaryJson = summaryRead.found && isObject(summaryRead.value) ? summaryRead.value : undefined;
  const summary = summaryJson && summaryData(summaryJson);

  const manifestRead = readJson(dir, MANIFEST_FILE);
  if (!manifestRead.found) problems.push(`${MANIFEST_FILE} is missing: the manifest cannot be shown`);
  else if (manifestRead.problem) problems.push(manifestRead.problem);
  const manifest = manifestRead.found && isObject(manifestRead.value) ? manifestRead.value : undefined;

  const metricsFile = join(dir, METRICS_FILE);
  const journalText = existsSync(metricsFile) ? readFileSync(metricsFile, 'utf8') : undefined;
  if (journalText === undefined) problems.push(`${METRICS_FILE} is missing: no learning curves`);
  const metrics = parseMetricJournal(journalText ?? '');
  problems.push(...metrics.problems);

  const evaluation = readEvaluation(dir, problems, summary !== undefined);
  const status = runState(summaryJson?.status) ?? runState(ended?.status) ?? 'RUNNING';
  const startTime = typeof started?.startTime === 'number' ? new Date(started.startTime).toISOString() : undefined;
  return {
    dir,
    runId: stringOr(summaryJson?.runId, stringOr(started?.runId, basename(dir))),
    name: stringOr(summaryJson?.name, stringOr(started?.name, stringOr(manifest?.name, basename(dir)))),
    description: stringOr(manifest?.description, stringOr(started?.description, undefined)),
    status,
    partial: summary === undefined,
    startTime: stringOr(summaryJson?.startTime, startTime),
    summary,
    manifest,
    metrics: metrics.series,
    evaluation,
    problems,
  };
}

function runState(value: unknown): RunState | undefined {
  return value === 'FINISHED' || value === 'FAILED' || value === 'KILLED' || value === 'RUNNING' ? value : undefined;
}

function summaryData(json: JsonObject): RunSummaryData {
  const metrics: Record<string, number> = {};
  if (isObject(json.metrics)) {
    for (const [key, value] of Object.entries(json.metrics)) {
      const number = numberOrNaN(value);
      if (number !== undefined) metrics[key] = number;
    }
  }
  const stages: Record<string, StageSummary> = {};
  if (isObject(json.stages)) {
    for (const [name, stage] of Object.entries(json.stages)) {
      if (isObject(stage) && Number.isInteger(stage.steps) && Number.isInteger(stage.epochs)) {
        stages[name] = { steps: stage.steps as number, epochs: stage.epochs as number, stoppedEarly: stage.stoppedEarly === true };
      }
    }
  }
  const backend = isObject(json.backend) && typeof json.backend.name === 'string'
    ? { name: json.backend.name, ...(typeof json.backend.version === 'string' ? { version: json.backend.version } : {}) }
    : undefined;
  return {
    metrics,
    stages,
    ...(backend ? { backend } : {}),
    ...(typeof json.durationMs === 'number' ? { durationMs: json.durationMs } : {}),
    ...(typeof json.endTime === 'string' ? { endTime: json.endTime } : {}),
    ...(typeof json.error === 'string' ? { error: json.error } : {}),
  };
}

function readEvaluation(dir: string, problems: string[], ended: boolean): TestEvaluation | undefined {
  const read = readJson(dir, EVALUATION_FILE);
  if (!read.found) {
    // A run that has not ended has no evaluation yet, which the partial notice already says.
    if (ended) problems.push(`${EVALUATION_FILE} is missing (the run failed before its final evaluation, or an older distill wrote it): no confusion matrices`);
    return undefined;
  }
  if (read.problem) {
    problems.push(read.problem);
    return undefined;
  }
  const json = read.value;
  const classes = isObject(json) && Array.isArray(json.classes) && json.classes.every((c) => typeof c === 'string') ? (json.classes as string[]) : undefined;
  const size = classes?.length ?? 0;
  const confusion: Partial<Record<EvaluatedRole, number[][]>> = {};
  if (isObject(json) && isObject(json.confusion)) {
    for (const role of ['teacher', 'student', 'baseline'] as const) {
      if (isCountMatrix(json.confusion[role], size)) confusion[role] = json.confusion[role];
    }
  }
  const disagreement = isObject(json) && isObject(json.disagreement) && isCountMatrix(json.disagreement.matrix, size) ? json.disagreement.matrix : undefined;
  if (!classes || size === 0 || !disagreement || !confusion.teacher || !confusion.student) {
    problems.push(`${EVALUATION_FILE} does not hold the expected classes and matrices: no confusion matrices`);
    return undefined;
  }
  const samples = isObject(json) && Number.isInteger(json.samples) ? (json.samples as number) : disagreement.flat().reduce((a, b) => a + b, 0);
  const labelled = isObject(json) && Number.isInteger(json.labelled) ? (json.labelled as number) : samples;
  return { version: 1, split: 'test', classes, samples, labelled, confusion, disagreement: { rows: 'teacher', columns: 'student', matrix: disagreement } };
}
