// A sweep in its tracker: the tracker the trials report to may group them under a record of the sweep's own (MLflow:
// a parent run with every trial a child run). Core asks for it through the tracker's `openSweep` capability and keeps
// it current from `sweep.json`, without knowing which tracker it is.
import { join } from 'node:path';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { Environment, WarnSink } from '../plugins/run-services.js';
import type { SweepInfo, SweepProgress, SweepTracking } from '../plugins/tracker-plugin.js';
import { publicTarget, type TrackingTarget } from '../tracking/tracking-target.js';
import { SWEEP_FILE, TRIALS_CSV, type SweepRecord } from './sweep-record.js';
import { formatParam } from './sweep-ranking.js';
import { isMultiObjective, objectivesOf } from './sweep-results.js';

/** The tracker's record of the sweep, or undefined when its tracker keeps none (or could not open it: warned). */
export async function openSweepTracking(
  host: PluginHost,
  target: TrackingTarget,
  record: SweepRecord,
  services: { readonly environment: Environment; readonly warnings: WarnSink },
): Promise<SweepTracking | undefined> {
  const context = { manifestDir: process.cwd(), seed: 0, pointer: '/tracking' };
  const tracker = await host.registries.tracker.build(target.type, target.params, context, services);
  if (!tracker.openSweep) return undefined;
  const resumed = record.tracking?.type === target.type ? record.tracking.state : undefined;
  const tracking = await tracker.openSweep(sweepInfo(record), resumed);
  if (tracking) record.tracking = { ...publicTarget(target), state: { ...tracking.state } };
  return tracking;
}

export function sweepInfo(record: SweepRecord): SweepInfo {
  const { spec } = record;
  return {
    sweepId: record.sweepId,
    name: record.name,
    createdAt: record.createdAt,
    method: spec.method,
    metric: spec.metric,
    ...(isMultiObjective(record) ? { objectives: objectivesOf(record).names.map((name, i) => ({ name, goal: objectivesOf(record).goals[i] })) } : {}),
    description: isMultiObjective(record)
      ? `Sweep (${spec.method}) over ${spec.parameters.map((p) => p.key).join(', ')}, Pareto front of ${(spec.metrics ?? [spec.metric]).map((o) => `${o.name} (${o.goal})`).join(', ')}${spec.constraints?.length ? ` subject to ${spec.constraints.map((c) => c.text).join(', ')}` : ''}.`
      : `Sweep (${spec.method}) over ${spec.parameters.map((p) => p.key).join(', ')}, ranked by ${spec.metric.name} (${spec.metric.goal}).`,
    params: specParams(record),
    spec,
  };
}

/** The sweep as its tracker records it; `extraFiles` (the HTML report) are attached with `trials.csv` and `sweep.json`. */
export function sweepProgress(record: SweepRecord, sweepDir: string, extraFiles: readonly string[] = []): SweepProgress {
  const counts: Record<string, number> = {};
  for (const trial of record.trials) counts[trial.status] = (counts[trial.status] ?? 0) + 1;
  const best = record.best;
  const bestRun = best && record.trials.find((t) => t.trial === best.trial)?.runId;
  return {
    status: record.status,
    counts,
    ended: record.trials.filter((t) => !['pending', 'running'].includes(t.status)).length,
    ...(best
      ? { best: { trial: best.trial, value: best.metric, ...(bestRun ? { runId: bestRun } : {}), params: Object.fromEntries(Object.entries(best.params).map(([k, v]) => [k, formatParam(v)])) } }
      : {}),
    ...(isMultiObjective(record)
      ? { pareto: (record.pareto ?? []).map((trial) => ({ trial, ...(record.trials.find((t) => t.trial === trial)?.runId ? { runId: record.trials.find((t) => t.trial === trial)!.runId } : {}) })) }
      : {}),
    files: [join(sweepDir, TRIALS_CSV), join(sweepDir, SWEEP_FILE), ...extraFiles],
  };
}

function specParams(record: SweepRecord): Record<string, string> {
  const { spec } = record;
  const params: Record<string, unknown> = {
    'sweep.method': spec.method,
    'sweep.metric': spec.metric.name,
    'sweep.goal': spec.metric.goal,
    'sweep.seed': spec.seed,
    'sweep.runCap': spec.runCap,
    'sweep.earlyTerminate': spec.earlyTerminate,
    'sweep.metrics': isMultiObjective(record) ? spec.metrics : undefined,
    'sweep.constraints': spec.constraints?.length ? spec.constraints.map((c) => c.text) : undefined,
    'sweep.repeats': (spec.repeats ?? 1) > 1 ? spec.repeats : undefined,
    'sweep.manifest': record.baseFile,
  };
  for (const p of spec.parameters) {
    const { kind: _kind, ...domain } = p.domain;
    params[`sweep.parameters.${p.key}`] = domain;
  }
  return Object.fromEntries(
    Object.entries(params)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}
