// The run's verdict on the test split: accuracy and loss of teacher, student and baseline, student–teacher agreement,
// and what the student saves: parameters, weight bytes, latency, compression and speedup.
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { agreement, evaluateSplit } from '../evaluation/evaluate-split.js';
import { measureFootprint, type ModelFootprint } from '../evaluation/model-footprint.js';

export interface EvaluatedModels {
  readonly teacher: DistillModel;
  readonly student: DistillModel;
  readonly baseline?: DistillModel;
}

export async function evaluateOnTest(models: EvaluatedModels, dataset: Dataset): Promise<Record<string, number>> {
  const { inputShape, test } = dataset;
  const metrics: Record<string, number> = {};
  const teacher = await evaluateSplit(models.teacher.model, test, inputShape);
  const student = await evaluateSplit(models.student.model, test, inputShape);
  metrics['teacher/test/accuracy'] = teacher.accuracy;
  metrics['teacher/test/loss'] = teacher.loss;
  metrics['student/test/accuracy'] = student.accuracy;
  metrics['student/test/loss'] = student.loss;
  metrics['student/test/agreement'] = agreement(student.predictions, teacher.predictions);
  if (models.baseline) {
    const baseline = await evaluateSplit(models.baseline.model, test, inputShape);
    metrics['baseline/test/accuracy'] = baseline.accuracy;
    metrics['baseline/test/loss'] = baseline.loss;
    metrics['baseline/test/agreement'] = agreement(baseline.predictions, teacher.predictions);
    metrics['distillation/gain'] = student.accuracy - baseline.accuracy;
  }
  const teacherSize = await measureFootprint(models.teacher.model, inputShape);
  const studentSize = await measureFootprint(models.student.model, inputShape);
  Object.assign(metrics, footprintMetrics('teacher', teacherSize), footprintMetrics('student', studentSize));
  metrics['compression/ratio'] = teacherSize.parameters / studentSize.parameters;
  metrics['speedup/batch1'] = teacherSize.latencyBatch1Ms / studentSize.latencyBatch1Ms;
  metrics['speedup/batch128'] = teacherSize.latencyBatch128Ms / studentSize.latencyBatch128Ms;
  return metrics;
}

function footprintMetrics(role: string, size: ModelFootprint): Record<string, number> {
  return {
    [`${role}/parameters`]: size.parameters,
    [`${role}/weightBytes`]: size.weightBytes,
    [`${role}/latency/batch1Ms`]: size.latencyBatch1Ms,
    [`${role}/latency/batch128Ms`]: size.latencyBatch128Ms,
  };
}
