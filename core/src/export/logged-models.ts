// The models a run hands to its trackers: the float32 student and each exported variant, each with the metrics that
// describe it (the very points the run logged, so a tracker that links metrics to models adds no new points), and the
// one to register, when asked: the variant that ships (the first exported), else the student.
import type { MetricPoint, ModelEvent } from '../plugins/tracker-plugin.js';
import type { ExportedVariant } from './export-student.js';
import { EXPORT_DIR } from './export-student.js';

export const MODEL_FORMAT = 'tfjs-layers';

export interface LoggedModelsRequest {
  /** The run's final metric points (test metrics, sizes, exports). */
  readonly points: readonly MetricPoint[];
  readonly runId: string;
  readonly variants?: readonly ExportedVariant[];
  /** Registered model to add a version to. */
  readonly register?: string;
}

export function loggedModels(request: LoggedModelsRequest): ModelEvent[] {
  const { points, runId, register } = request;
  const variants = request.variants ?? [];
  const shipped = variants[0]?.mode;
  const student: ModelEvent = {
    type: 'model',
    name: 'student',
    path: 'student',
    format: MODEL_FORMAT,
    metrics: points.filter((p) => p.key.startsWith('student/')),
    params: { quantization: 'none' },
    tags: { 'distill.runId': runId, 'distill.variant': 'student' },
    ...(register && !shipped ? { register } : {}),
  };
  return [
    student,
    ...variants.map((variant): ModelEvent => ({
      type: 'model',
      name: `student-${variant.mode}`,
      path: variant.dir,
      format: MODEL_FORMAT,
      metrics: points.filter((p) => p.key.startsWith(`${EXPORT_DIR}/${variant.mode}/`)),
      params: { quantization: variant.mode, float32Weights: String(variant.fallbacks.length) },
      tags: {
        'distill.runId': runId,
        'distill.variant': variant.mode,
        ...(variant.collapsed ? { 'distill.collapsed': 'true' } : {}),
      },
      ...(register && variant.mode === shipped ? { register } : {}),
    })),
  ];
}
