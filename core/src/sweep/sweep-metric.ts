// The metrics a sweep can rank trials by: those a run writes to summary.json. Validation metrics
// (`<stage>/val/<name>`) are also measured after every epoch, so early termination can judge them as training goes.
// Teacher validation metrics are left out: a sweep's trials take their teacher from the cache, so they have none.
import { suggestion } from '../plugins/did-you-mean.js';

const STAGES = ['student', 'baseline'] as const;
const VALIDATION = ['accuracy', 'loss', 'agreement'] as const;

export const SWEEP_METRICS: readonly string[] = [
  ...STAGES.flatMap((stage) => VALIDATION.map((name) => `${stage}/val/${name}`)),
  'teacher/test/accuracy',
  'teacher/test/loss',
  ...STAGES.flatMap((model) => VALIDATION.map((name) => `${model}/test/${name}`)),
  'distillation/gain',
  'compression/ratio',
  'speedup/batch1',
  'speedup/batch128',
  ...(['teacher', 'student'] as const).flatMap((role) =>
    ['parameters', 'weightBytes', 'latency/batch1Ms', 'latency/batch128Ms'].map((name) => `${role}/${name}`),
  ),
];

/** The stage and key an epoch report carries the metric under, for per-epoch metrics. */
export function epochMetric(name: string): { stage: string; key: string } | undefined {
  const match = /^(student|baseline)\/val\/(\w+)$/.exec(name);
  return match ? { stage: match[1], key: match[2] } : undefined;
}

export function metricIssue(name: string, earlyTerminate: boolean): { message: string; hint?: string } | undefined {
  if (!SWEEP_METRICS.includes(name)) return { message: `unknown metric "${name}"; ${suggestion(name, SWEEP_METRICS)}` };
  if (earlyTerminate && !epochMetric(name)) {
    const [stage, , key] = name.split('/');
    const perEpoch = epochMetric(`${stage}/val/${key}`) ? `${stage}/val/${key}` : 'student/val/accuracy';
    return {
      message: `earlyTerminate judges the metric after every epoch, but "${name}" is only measured when a trial ends`,
      hint: `rank by a validation metric such as "${perEpoch}"`,
    };
  }
  return undefined;
}
