// The run's verdict on the test split: accuracy and loss of teacher, student and baseline, student–teacher agreement,
// and what the student saves: parameters, weight bytes, latency, compression and speedup; and, for `evaluation.json`,
// each model's confusion matrix and the student-versus-teacher disagreement matrix.
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { agreement, evaluateSplit } from '../evaluation/evaluate-split.js';
import { measureFootprint, type ModelFootprint } from '../evaluation/model-footprint.js';
import { crossTabulate } from '../evaluation/confusion-matrix.js';
import type { EvaluatedRole, TestEvaluation } from '../evaluation/evaluation-file.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';

export interface EvaluatedModels {
  readonly teacher: DistillModel;
  readonly student: DistillModel;
  readonly baseline?: DistillModel;
}

export interface FinalEvaluation {
  readonly metrics: Record<string, number>;
  readonly evaluation: TestEvaluation;
}

export async function evaluateOnTest(models: EvaluatedModels, dataset: Dataset): Promise<FinalEvaluation> {
  const { inputShape, test } = dataset;
  const metrics: Record<string, number> = {};
  const teacher = await evaluateSplit(models.teacher.model, test, inputShape);
  const student = await evaluateSplit(models.student.model, test, inputShape);
  const predictions: Partial<Record<EvaluatedRole, Int32Array>> = { teacher: teacher.predictions, student: student.predictions };
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
    predictions.baseline = baseline.predictions;
  }
  const teacherSize = await measureFootprint(models.teacher.model, inputShape);
  const studentSize = await measureFootprint(models.student.model, inputShape);
  Object.assign(metrics, footprintMetrics('teacher', teacherSize), footprintMetrics('student', studentSize));
  metrics['compression/ratio'] = teacherSize.parameters / studentSize.parameters;
  metrics['speedup/batch1'] = teacherSize.latencyBatch1Ms / studentSize.latencyBatch1Ms;
  metrics['speedup/batch128'] = teacherSize.latencyBatch128Ms / studentSize.latencyBatch128Ms;
  return { metrics, evaluation: confusionOnTest(dataset, predictions) };
}

function confusionOnTest(dataset: Dataset, predictions: Partial<Record<EvaluatedRole, Int32Array>>): TestEvaluation {
  const { test, numClasses } = dataset;
  const classes = dataset.classNames?.length === numClasses ? [...dataset.classNames] : Array.from({ length: numClasses }, (_, c) => String(c));
  const confusion = Object.fromEntries(
    Object.entries(predictions).map(([role, predicted]) => [role, crossTabulate(test.y, predicted, numClasses)]),
  );
  return {
    version: 1,
    split: 'test',
    classes,
    samples: test.count,
    labelled: test.y.reduce((n, label) => n + (label === UNLABELED ? 0 : 1), 0),
    confusion,
    disagreement: { rows: 'teacher', columns: 'student', matrix: crossTabulate(predictions.teacher!, predictions.student!, numClasses) },
  };
}

function footprintMetrics(role: string, size: ModelFootprint): Record<string, number> {
  return {
    [`${role}/parameters`]: size.parameters,
    [`${role}/weightBytes`]: size.weightBytes,
    [`${role}/latency/batch1Ms`]: size.latencyBatch1Ms,
    [`${role}/latency/batch128Ms`]: size.latencyBatch128Ms,
  };
}
