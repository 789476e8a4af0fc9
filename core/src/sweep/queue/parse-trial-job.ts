// A queue job is untrusted input: anything that can write to the Redis queue can put a job there. Before a worker
// uses a job, every id, key and name in it is checked against a strict pattern (no separators, no `..`, bounded
// length), the environment it may set is limited to the MLflow experiment, and the fields that name this machine's
// paths or code (`outDir`, `trainingCacheDir`, `plugins`) are dropped: the worker fills them with its own. The result
// a worker sends back is checked too before the coordinator records it.
import { Ajv, type ErrorObject } from 'ajv';
import { PLUGIN_KINDS } from '../../plugins/plugin-kind.js';
import type { TrialOutcome, TrialTask } from '../trial-executor.js';
import type { TrialJobData } from './queue-protocol.js';

/** A run id, sweep id or job id: one path segment, never `.` or `..`. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$';
/** A teacher-cache key: the hex content key the coordinator computed. */
export const TEACHER_KEY_PATTERN = '^[0-9a-f]{32}$';
/** A sha256 in hex: the name a shared teacher is published under. */
export const DIGEST_PATTERN = '^[0-9a-f]{64}$';

const id = { type: 'string', pattern: ID_PATTERN } as const;
const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;

const jobSchema = {
  type: 'object',
  required: ['task', 'requires'],
  additionalProperties: false,
  properties: {
    task: {
      type: 'object',
      required: ['sweepId', 'trial', 'runId', 'manifest', 'manifestFile', 'tags', 'tracking'],
      additionalProperties: false,
      properties: {
        // The coordinator's own: sent, never used (the worker puts its own in their place).
        outDir: {},
        trainingCacheDir: {},
        plugins: {},
        sweepId: id,
        trial: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        runId: id,
        // Validated in full (the experiment schema and the plugins' params) by the trial process before it runs.
        manifest: { type: 'object' },
        // Relative data paths in the manifest resolve from its directory; it never locates code on a worker.
        manifestFile: { type: 'string', pattern: '^/[^\\u0000]*$', maxLength: 4096 },
        tags: { type: 'object', maxProperties: 100, propertyNames: { pattern: '^[A-Za-z0-9_.\\-/ ]{1,250}$' }, additionalProperties: text(5000) },
        // The tracker the coordinator resolved (credentials removed). Nothing of the environment crosses: the params are
        // validated against the worker's own tracker plugin before the trial runs.
        tracking: {
          type: 'object',
          required: ['type', 'params', 'chosenBy'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,99}$' },
            params: { type: 'object', maxProperties: 50 },
            chosenBy: text(200),
          },
        },
      },
    },
    requires: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['kind', 'name'],
        additionalProperties: false,
        properties: { kind: { enum: [...PLUGIN_KINDS] }, name: text(200), source: text(4096), version: text(100) },
      },
    },
    teacher: {
      type: 'object',
      required: ['key', 'digest'],
      additionalProperties: false,
      properties: { key: { type: 'string', pattern: TEACHER_KEY_PATTERN }, digest: { type: 'string', pattern: DIGEST_PATTERN } },
    },
  },
} as const;

/** A trial's result as a worker returns it: the coordinator records it in sweep.json, so it is checked as well. */
const outcomeSchema = {
  type: 'object',
  required: ['status', 'runId', 'metrics', 'stoppedEarly', 'durationMs'],
  properties: {
    status: { enum: ['FINISHED', 'FAILED', 'KILLED'] },
    runId: id,
    runDir: { type: 'string', pattern: '^/[^\\u0000]*$', maxLength: 4096 },
    metrics: { type: 'object', maxProperties: 10_000, additionalProperties: { type: ['number', 'null'] } },
    stoppedEarly: { type: 'boolean' },
    error: text(20_000),
    durationMs: { type: 'number', minimum: 0 },
    otherRuns: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^/[^\\u0000]*$', maxLength: 4096 } },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(jobSchema);
const validateOutcome = ajv.compile(outcomeSchema);

export class InvalidJobError extends Error {}

/**
 * The job's data as a worker may use it, or an InvalidJobError naming every problem. `own` supplies what a worker
 * never takes from a job: where runs and the teacher cache go, and which plugin modules it loads.
 */
export function parseTrialJob(jobId: string | undefined, data: unknown, own: Pick<TrialTask, 'outDir' | 'trainingCacheDir' | 'plugins'>): TrialJobData {
  const problems: string[] = [];
  if (typeof jobId !== 'string' || !new RegExp(ID_PATTERN).test(jobId)) problems.push(`the job id ${quote(jobId)} is not a run id (${ID_PATTERN})`);
  if (!validate(data)) problems.push(...(validate.errors ?? []).map(describe));
  const { task, requires, teacher } = data as TrialJobData;
  if (problems.length === 0 && task.runId !== jobId) problems.push(`the job id ${quote(jobId)} is not the trial's run id ${quote(task.runId)}`);
  if (problems.length > 0) throw new InvalidJobError(`refused job ${quote(jobId)}: ${problems.slice(0, 5).join('; ')}`);
  const { sweepId, trial, runId, manifest, manifestFile, tags, tracking } = task;
  return {
    task: { sweepId, trial, runId, manifest, manifestFile, tags, tracking, ...own, workerPluginsOnly: true },
    requires,
    ...(teacher ? { teacher } : {}),
  };
}

/** The worker's result, or a description of what is wrong with it. */
export function parseTrialOutcome(value: unknown): TrialOutcome | string {
  if (validateOutcome(value)) return value as unknown as TrialOutcome;
  return `the worker's result is malformed: ${(validateOutcome.errors ?? []).slice(0, 3).map(describe).join('; ')}`;
}

function describe(error: ErrorObject): string {
  const place = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') return `${place}: unexpected key ${quote(error.params.additionalProperty)}`;
  return `${place}: ${error.message ?? 'is invalid'}`;
}

/** A value from the queue, shown safely in a log line: JSON-quoted (no control characters), cut short. */
export function quote(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}
