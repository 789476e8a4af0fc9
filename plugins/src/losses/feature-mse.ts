// The `feature-mse` loss: intermediate-layer distillation (FitNets-style). The student's features, through an optional
// trainable linear projection to the teacher's width, are pulled towards the frozen teacher's features.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, nearest, UserError, type BuildContext, type DistillLoss, type DistillModel, type SemanticIssue } from '@distill/core';
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
        const student = studentFeatures[params.studentLayer];
        const teacher = teacherFeatures[params.teacherLayer];
        if (!student || !teacher) throw new Error(`feature-mse needs the features of ${params.studentLayer} and ${params.teacherLayer}, which the trainer did not pass`);
        if (!projection) return featureMse(student, teacher);
        return tf.tidy(() => featureMse(projection.apply(student), teacher));
      },
      dispose: () => projection?.dispose(),
    };
  },
  check: async (params, context) => {
    const [teacher, student] = await Promise.all([context.teacher(), context.student()]);
    const teacherLayer = findLayer(teacher, 'teacher', params.teacherLayer, '/teacherLayer');
    const studentLayer = findLayer(student, 'student', params.studentLayer, '/studentLayer');
    const issues = [teacherLayer, studentLayer].filter((found): found is SemanticIssue => 'message' in found);
    if (issues.length || !('width' in teacherLayer) || !('width' in studentLayer)) return issues;
    if (params.projection === 'none' && teacherLayer.width !== studentLayer.width) {
      return [
        {
          pointer: '',
          message: `teacher layer "${params.teacherLayer}" has width ${teacherLayer.width} but student layer "${params.studentLayer}" has width ${studentLayer.width}`,
          hint: 'add "projection": "linear" to learn a map from the student width to the teacher width',
        },
      ];
    }
    return [];
  },
});

function findLayer(model: DistillModel, role: string, name: string, pointer: string): { width: number } | SemanticIssue {
  const layer = model.layers.find((l) => l.name === name);
  if (layer) return layer;
  const names = model.layers.map((l) => l.name);
  const close = nearest(name, names);
  return { pointer, message: `the ${role} has no layer "${name}"; its layers are: ${names.join(', ')}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) };
}

function projectionFor(studentLayer: string, teacherLayer: string, context: BuildContext): LinearProjection {
  if (!context.models) throw new Error('feature-mse with a linear projection is sized from the models; build it with context.models');
  const width = (model: DistillModel, role: string, name: string) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) throw new UserError(`the ${role} has no layer "${name}"; its layers are: ${model.layers.map((l) => l.name).join(', ')}`);
    return layer.width;
  };
  const from = width(context.models.student, 'student', studentLayer);
  const to = width(context.models.teacher, 'teacher', teacherLayer);
  return new LinearProjection(from, to, context.seed, `feature-mse${context.pointer}`);
}
