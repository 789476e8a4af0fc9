// The metrics a sweep can rank trials by: those a run writes to summary.json. Validation metrics
// (`<stage>/val/<name>`, for each distillation stage — `student`, or the manifest's `stages` — and the baseline) are
// also measured after every epoch, so early termination can judge them as training goes. Teacher validation metrics
// are left out: a sweep's trials take their teacher from the cache, so they have none.
import { suggestion } from '../plugins/did-you-mean.js';

const VALIDATION = ['accuracy', 'loss', 'agreement'] as const;
const MODELS = ['student', 'baseline'] as const;

/** What a sweep over a manifest whose distillation stages are `stages` can rank by. */
export function sweepMetrics(stages: readonly string[] = ['student']): string[] {
  return [
    ...[...stages, 'baseline'].flatMap((stage) => VALIDATION.map((name) => `${stage}/val/${name}`)),
    ...FINAL_METRICS,
  ];
}

const FINAL_METRICS: readonly string[] = [
  'teacher/test/accuracy',
  'teacher/test/loss',
  ...MODELS.flatMap((model) => VALIDATION.map((name) => `${model}/test/${name}`)),
  'distillation/gain',
  'compression/ratio',
  'speedup/batch1',
  'speedup/batch128',
  ...(['teacher', 'student'] as const).flatMap((role) =>
    ['parameters', 'weightBytes', 'latency/batch1Ms', 'latency/batch128Ms'].map((name) => `${role}/${name}`),
  ),
];

/** The metrics of a classic manifest (one `student` stage). */
export const SWEEP_METRICS: readonly string[] = sweepMetrics();

/** The stage and key an epoch report carries the metric under, for per-epoch metrics (any stage but a teacher). */
export function epochMetric(name: string): { stage: string; key: string } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_-]*)\/val\/(\w+)$/.exec(name);
  return match && match[1] !== 'teacher' ? { stage: match[1], key: match[2] } : undefined;
}

export function metricIssue(name: string, earlyTerminate: boolean, stages: readonly string[] = ['student']): { message: string; hint?: string } | undefined {
  const metrics = sweepMetrics(stages);
  if (!metrics.includes(name)) {
    const stageKey = /^student\/val\/(\w+)$/.exec(name);
    // A manifest with `stages` has no `student` stage: its last stage is what a sweep usually ranks by.
    const hint = stageKey && !stages.includes('student') ? { hint: `this manifest's stages are ${stages.join(', ')}: rank by "${stages[stages.length - 1]}/val/${stageKey[1]}"` } : {};
    return { message: `unknown metric "${name}"; ${suggestion(name, metrics)}`, ...hint };
  }
  if (earlyTerminate && !epochMetric(name)) {
    const [stage, , key] = name.split('/');
    const perEpoch = metrics.includes(`${stage}/val/${key}`) ? `${stage}/val/${key}` : `${stages[stages.length - 1]}/val/accuracy`;
    return {
      message: `earlyTerminate judges the metric after every epoch, but "${name}" is only measured when a trial ends`,
      hint: `rank by a validation metric such as "${perEpoch}"`,
    };
  }
  return undefined;
}
