// The run's verdict on the test split: accuracy and loss of each teacher, the student and the baseline, their
// agreement with each teacher, and what the student saves: parameters, weight bytes, latency, compression and speedup
// (against the first teacher that is a model). One teacher keeps the plain keys (`teacher/test/accuracy`,
// `student/test/agreement`); with several each is `teacher/<name>/…` and agreements are `…/agreement/<name>`. For
// `evaluation.json`: each model's confusion matrix and the student-versus-teacher disagreement matrix (the first
// teacher's; multi-class only).
import * as tf from '@tensorflow/tfjs';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import type { TeacherSource } from '../plugins/teacher-source.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { agreement, evaluateSplit, modelScorer, type Scorer } from '../evaluation/evaluate-split.js';
import { measureFootprint, type ModelFootprint } from '../evaluation/model-footprint.js';
import type { SampleLayout } from '../data/sample-layout.js';
import { crossTabulate } from '../evaluation/confusion-matrix.js';
import type { EvaluatedRole, TestEvaluation } from '../evaluation/evaluation-file.js';
import { UNLABELED } from '../plugins/dataset-plugin.js';

export interface EvaluatedTeacher {
  readonly name: string;
  /** Its metrics' prefix: `teacher`, or `teacher/<name>`. */
  readonly label: string;
  /** A model teacher (its size and speed are measured too), or any scorer (a teacher source). */
  readonly model?: DistillModel;
  readonly scorer?: Scorer;
}

export interface EvaluatedModels {
  readonly teachers: readonly EvaluatedTeacher[];
  readonly student: DistillModel;
  readonly baseline?: DistillModel;
}

export interface FinalEvaluation {
  readonly metrics: Record<string, number>;
  /** What `evaluation.json` holds; absent for multi-label data. */
  readonly evaluation?: TestEvaluation;
}

export async function evaluateOnTest(models: EvaluatedModels, test: SampleSource, layout: SampleLayout, classNames?: readonly string[]): Promise<FinalEvaluation> {
  const metrics: Record<string, number> = {};
  const several = models.teachers.length > 1;
  const teachers: { teacher: EvaluatedTeacher; predictions: Int32Array }[] = [];
  const predictions: Partial<Record<EvaluatedRole, Int32Array>> = {};
  let labels: Int32Array = new Int32Array(0);
  for (const teacher of models.teachers) {
    const result = await evaluateSplit(teacher.model?.model ?? teacher.scorer!, test, layout);
    metrics[`${teacher.label}/test/accuracy`] = result.accuracy;
    metrics[`${teacher.label}/test/loss`] = result.loss;
    teachers.push({ teacher, predictions: result.predictions });
    predictions.teacher ??= result.predictions;
    labels = result.labels;
  }
  // Several teachers on a multi-class task are also measured as one: the mean of their probabilities.
  if (several && layout.task !== 'multilabel' && !models.teachers.some((t) => t.name === ENSEMBLE)) {
    const ensemble = await evaluateSplit(ensembleScorer(models.teachers.map((t) => t.scorer ?? modelScorer(t.model!.model))), test, layout);
    metrics[`${ENSEMBLE}/test/accuracy`] = ensemble.accuracy;
    metrics[`${ENSEMBLE}/test/loss`] = ensemble.loss;
    for (const { teacher, predictions: theirs } of [...teachers]) metrics[`${teacher.label}/test/agreement/${ENSEMBLE}`] = agreement(theirs, ensemble.predictions);
    teachers.push({ teacher: { name: ENSEMBLE, label: ENSEMBLE }, predictions: ensemble.predictions });
  }
  const agreements = (role: string, predictions: Int32Array) => {
    for (const { teacher, predictions: theirs } of teachers) {
      metrics[several ? `${role}/test/agreement/${teacher.name}` : `${role}/test/agreement`] = agreement(predictions, theirs);
    }
  };
  const student = await evaluateSplit(models.student.model, test, layout);
  metrics['student/test/accuracy'] = student.accuracy;
  metrics['student/test/loss'] = student.loss;
  agreements('student', student.predictions);
  predictions.student = student.predictions;
  if (models.baseline) {
    const baseline = await evaluateSplit(models.baseline.model, test, layout);
    metrics['baseline/test/accuracy'] = baseline.accuracy;
    metrics['baseline/test/loss'] = baseline.loss;
    agreements('baseline', baseline.predictions);
    metrics['distillation/gain'] = student.accuracy - baseline.accuracy;
    predictions.baseline = baseline.predictions;
  }
  const sizes: { label: string; size: ModelFootprint }[] = [];
  for (const { teacher } of teachers) {
    if (teacher.model) sizes.push({ label: teacher.label, size: await measureFootprint(teacher.model.model, layout.inputShape, layout.inputDtype) });
  }
  const studentSize = await measureFootprint(models.student.model, layout.inputShape, layout.inputDtype);
  for (const { label, size } of sizes) Object.assign(metrics, footprintMetrics(label, size));
  Object.assign(metrics, footprintMetrics('student', studentSize));
  const reference = sizes[0]?.size;
  if (reference) {
    metrics['compression/ratio'] = reference.parameters / studentSize.parameters;
    metrics['speedup/batch1'] = reference.latencyBatch1Ms / studentSize.latencyBatch1Ms;
    metrics['speedup/batch128'] = reference.latencyBatch128Ms / studentSize.latencyBatch128Ms;
  }
  const evaluation = layout.task === 'multiclass' ? confusionOnTest(labels, predictions, layout.numClasses, classNames) : undefined;
  return { metrics, ...(evaluation ? { evaluation } : {}) };
}

function confusionOnTest(labels: Int32Array, predictions: Partial<Record<EvaluatedRole, Int32Array>>, numClasses: number, classNames?: readonly string[]): TestEvaluation {
  const classes = classNames?.length === numClasses ? [...classNames] : Array.from({ length: numClasses }, (_, c) => String(c));
  const confusion = Object.fromEntries(Object.entries(predictions).map(([role, predicted]) => [role, crossTabulate(labels, predicted, numClasses)]));
  return {
    version: 1,
    split: 'test',
    classes,
    samples: labels.length,
    labelled: labels.reduce((n, label) => n + (label === UNLABELED ? 0 : 1), 0),
    confusion,
    disagreement: { rows: 'teacher', columns: 'student', matrix: crossTabulate(predictions.teacher!, predictions.student!, numClasses) },
  };
}

/** The name of the teachers measured as one (`ensemble/test/accuracy`, `student/test/agreement/ensemble`). */
const ENSEMBLE = 'ensemble';

/** Several scorers as one: the mean of their probabilities (softmax of logits). */
export function ensembleScorer(scorers: readonly Scorer[]): Scorer {
  return {
    scores: 'probabilities',
    predict: async (inputs, sampleIds) => {
      const each: tf.Tensor2D[] = [];
      try {
        for (const scorer of scorers) {
          const scores = await scorer.predict(inputs, sampleIds);
          each.push(scorer.scores === 'logits' ? tf.tidy(() => tf.softmax(scores)) : scores);
          if (scorer.scores === 'logits') scores.dispose();
        }
        return tf.tidy(() => tf.addN(each).div(each.length) as tf.Tensor2D);
      } finally {
        tf.dispose(each);
      }
    },
  };
}

/** A teacher source as a scorer: what it predicts for a batch, logits or probabilities. */
export function sourceScorer(source: TeacherSource): Scorer {
  return {
    scores: source.outputs,
    predict: async (inputs, sampleIds) => {
      const predicted = await source.predict({ inputs, sampleIds, split: 'test' }, []);
      tf.dispose(Object.values(predicted.features));
      const scores = predicted.logits ?? predicted.probabilities;
      if (!scores) throw new Error(`a teacher source that gives ${source.outputs} returned neither logits nor probabilities`);
      if (predicted.logits && predicted.probabilities) predicted.probabilities.dispose();
      return scores;
    },
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
