// The metrics a sweep can rank trials by: those a run writes to summary.json. Validation metrics
// (`<stage>/val/<name>`) are also measured after every epoch, so early termination can judge them as training goes.
// Teacher validation metrics are left out: a sweep's trials take their teacher from the cache, so they have none.
import { nearest, suggestion } from '../plugins/did-you-mean.js';

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

/** Metrics of a pruned and exported student (the manifest's `pruning` and `export`): `deployed/…` is the variant that ships. */
const EXPORT_PREFIXES = ['deployed', ...['float32', 'float16', 'uint16', 'uint8'].map((mode) => `export/${mode}`)];
const EXPORT_NAMES = ['test/accuracy', 'test/loss', 'test/agreement', 'test/studentAgreement', 'accuracyDrop', 'weightBytes', 'gzipBytes', 'latency/batch1Ms', 'latency/batch128Ms'];
export const COMPRESSION_METRICS: readonly string[] = [
  'student/gzipBytes',
  'student/zeroFraction',
  ...EXPORT_PREFIXES.flatMap((prefix) => EXPORT_NAMES.map((name) => `${prefix}/${name}`)),
];
const ALL_METRICS = [...SWEEP_METRICS, ...COMPRESSION_METRICS];

/** The values a metric can take, for refusing a constraint no trial can meet. */
export function metricRange(name: string): { min: number; max: number } {
  if (/accuracyDrop$|distillation\/gain$/.test(name)) return { min: -1, max: 1 };
  if (/\/(accuracy|agreement|studentAgreement|sparsity)$/.test(name)) return { min: 0, max: 1 };
  return { min: 0, max: Infinity };
}

/** The stage and key an epoch report carries the metric under, for per-epoch metrics. */
export function epochMetric(name: string): { stage: string; key: string } | undefined {
  const match = /^(student|baseline)\/val\/(\w+)$/.exec(name);
  return match ? { stage: match[1], key: match[2] } : undefined;
}

export function metricIssue(name: string, earlyTerminate: boolean): { message: string; hint?: string } | undefined {
  if (!ALL_METRICS.includes(name)) {
    // The export metrics are many: the list names them by pattern, the suggestion looks at every one.
    const close = nearest(name, ALL_METRICS);
    const exported = `student/gzipBytes, student/zeroFraction, and with export: deployed/<m> and export/<format>/<m> for <m> in ${EXPORT_NAMES.join(', ')}`;
    const valid = suggestion(name, SWEEP_METRICS).replace(/^did you mean "[^"]*"\? /, '');
    return { message: `unknown metric "${name}"; ${close ? `did you mean "${close}"? ` : ''}${valid}; ${exported}` };
  }
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
