// The metrics a sweep can rank trials by: those a run writes to summary.json. Validation metrics
// (`<stage>/val/<name>`, for each distillation stage — `student`, or the manifest's `stages` — and the baseline) are
// also measured after every epoch, so early termination can judge them as training goes. Teacher validation metrics
// are left out: a sweep's trials take their teacher from the cache, so they have none.
import { nearest, suggestion } from '../plugins/did-you-mean.js';

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

/** Metrics of a pruned and exported student (the manifest's `pruning` and `export`): `deployed/…` is the variant that ships. */
const EXPORT_PREFIXES = ['deployed', ...['float32', 'float16', 'uint16', 'uint8'].map((mode) => `export/${mode}`)];
const EXPORT_NAMES = ['test/accuracy', 'test/loss', 'test/agreement', 'test/studentAgreement', 'accuracyDrop', 'weightBytes', 'gzipBytes', 'latency/batch1Ms', 'latency/batch128Ms'];
export const COMPRESSION_METRICS: readonly string[] = [
  'student/gzipBytes',
  'student/zeroFraction',
  ...EXPORT_PREFIXES.flatMap((prefix) => EXPORT_NAMES.map((name) => `${prefix}/${name}`)),
];

/** The values a metric can take, for refusing a constraint no trial can meet. */
export function metricRange(name: string): { min: number; max: number } {
  if (/accuracyDrop$|distillation\/gain$/.test(name)) return { min: -1, max: 1 };
  if (/\/(accuracy|agreement|studentAgreement|sparsity)$/.test(name)) return { min: 0, max: 1 };
  return { min: 0, max: Infinity };
}

export function epochMetric(name: string): { stage: string; key: string } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_-]*)\/val\/(\w+)$/.exec(name);
  return match && match[1] !== 'teacher' ? { stage: match[1], key: match[2] } : undefined;
}

export function metricIssue(name: string, earlyTerminate: boolean, stages: readonly string[] = ['student']): { message: string; hint?: string } | undefined {
  const metrics = sweepMetrics(stages);
  if (!metrics.includes(name) && !COMPRESSION_METRICS.includes(name)) {
    const stageKey = /^student\/val\/(\w+)$/.exec(name);
    // A manifest with `stages` has no `student` stage: its last stage is what a sweep usually ranks by.
    const hint = stageKey && !stages.includes('student') ? { hint: `this manifest's stages are ${stages.join(', ')}: rank by "${stages[stages.length - 1]}/val/${stageKey[1]}"` } : {};
    // The export metrics are many: the list names them by pattern, the suggestion looks at every one.
    const close = nearest(name, [...metrics, ...COMPRESSION_METRICS]);
    const exported = `student/gzipBytes, student/zeroFraction, and with export: deployed/<m> and export/<format>/<m> for <m> in ${EXPORT_NAMES.join(', ')}`;
    const valid = suggestion(name, metrics).replace(/^did you mean "[^"]*"\? /, '');
    return { message: `unknown metric "${name}"; ${close ? `did you mean "${close}"? ` : ''}${valid}; ${exported}`, ...hint };
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
