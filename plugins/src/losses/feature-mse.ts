// The `feature-mse` loss: intermediate-layer distillation (FitNets-style). The student's features, through an optional
// trainable linear projection to the teacher's width, are pulled towards the frozen teacher's features.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, flattenFeatures, lookupLayer, requireLayer, type BuildContext, type DistillLoss, type SemanticIssue } from '@distill/core';
import { stopGradient } from './stop-gradient.js';
import { LinearProjection } from './linear-projection.js';

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { type: 'string', minLength: 1, description: "Name of the teacher layer whose output is the target (see the model's layer names)." },
    studentLayer: { type: 'string', minLength: 1, description: 'Name of the student layer whose output is pulled towards the target.' },
    projection: {
      enum: ['none', 'linear'],
      default: 'none',
      description: "'linear': a trainable dense map (no activation) from the student width to the teacher width, trained and saved with the student; needed when the widths differ.",
    },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

/** Mean over all batch × width elements of (student − teacher)²; the teacher side gets no gradient. */
export function featureMse(studentFeatures: tf.Tensor2D, teacherFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.squaredDifference(studentFeatures, stopGradient(teacherFeatures)).mean() as tf.Scalar);
}

export default definePlugin({
  kind: 'loss',
  name: 'feature-mse',
  description: 'Intermediate-layer distillation: mean squared error between a teacher layer and a student layer (optionally projected).',
  paramsSchema,
  create: (params, context): DistillLoss => {
    const projection = params.projection === 'linear' ? projectionFor(params.studentLayer, params.teacherLayer, context) : undefined;
    return {
      requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
      variables: projection?.variables ?? [],
      compute: ({ studentFeatures, teacherFeatures }) => {
        if (!studentFeatures[params.studentLayer] || !teacherFeatures[params.teacherLayer]) {
          throw new Error(`feature-mse needs the features of ${params.studentLayer} and ${params.teacherLayer}, which the trainer did not pass`);
        }
        // Layers of any shape are compared as flat vectors per sample (a conv map as its H·W·C values).
        return tf.tidy(() => {
          const student = flattenFeatures(studentFeatures[params.studentLayer]);
          const teacher = flattenFeatures(teacherFeatures[params.teacherLayer]);
          return featureMse(projection ? projection.apply(student) : student, teacher);
        });
      },
      dispose: () => projection?.dispose(),
    };
  },
  check: async (params, context) => {
    const [teacher, student] = await Promise.all([context.teacher(), context.student()]);
    const teacherLayer = lookupLayer(teacher, 'teacher', params.teacherLayer);
    const studentLayer = lookupLayer(student, 'student', params.studentLayer);
    if ('missing' in teacherLayer || 'missing' in studentLayer) {
      const issues: SemanticIssue[] = [];
      if ('missing' in teacherLayer) issues.push({ pointer: '/teacherLayer', ...teacherLayer.missing });
      if ('missing' in studentLayer) issues.push({ pointer: '/studentLayer', ...studentLayer.missing });
      return issues;
    }
    if (params.projection === 'none' && teacherLayer.layer.width !== studentLayer.layer.width) {
      return [
        {
          pointer: '',
          message: `teacher layer "${params.teacherLayer}" has width ${teacherLayer.layer.width} but student layer "${params.studentLayer}" has width ${studentLayer.layer.width}`,
          hint: 'add "projection": "linear" to learn a map from the student width to the teacher width',
        },
      ];
    }
    return [];
  },
});

function projectionFor(studentLayer: string, teacherLayer: string, context: BuildContext): LinearProjection {
  if (!context.models) throw new Error('feature-mse with a linear projection is sized from the models; build it with context.models');
  const from = requireLayer(context.models.student, 'student', studentLayer).width;
  const to = requireLayer(context.models.teacher, 'teacher', teacherLayer).width;
  return new LinearProjection(from, to, context.seed, `feature-mse${context.pointer}`);
}
