// The `cosine-hint` loss: a feature hint that cares about direction, not scale. The student's features at one layer,
// through a trainable linear projection to the teacher's width (trained and saved with the student), should point the
// same way as the teacher's features at another: 1 − cos(projected student, teacher), averaged over the batch.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, deriveSeed, flattenFeatures, nearest, type BuildContext, type DistillLoss, type DistillModel, type SemanticIssue } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { type: 'string', minLength: 1, description: "The teacher layer whose features are the target (see the model's layer names)." },
    studentLayer: { type: 'string', minLength: 1, description: 'The student layer whose features are projected and compared.' },
    projection: {
      enum: ['linear', 'none'],
      default: 'linear',
      description: "'linear': a trainable dense map from the student's width to the teacher's; 'none' needs equal widths.",
    },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

/** Mean over the batch of 1 − cos(student_i, teacher_i); a row of zeros counts as orthogonal, not as NaN. */
export function cosineDistance(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.scalar(1).sub(unitRows(student).mul(unitRows(teacher)).sum(1).mean()) as tf.Scalar);
}

// The epsilon under the root keeps the gradient finite at a zero row (a student whose ReLUs are all off).
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return x.div(x.square().sum(1, true).add(1e-8).sqrt());
}

interface Projection {
  readonly variables: tf.Variable[];
  apply(features: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** A dense map without activation, Glorot-initialised from the run's seed, zero bias. */
function linearProjection(from: number, to: number, seed: number): Projection {
  const kernel = tf.variable(tf.initializers.glorotUniform({ seed }).apply([from, to]) as tf.Tensor2D, true);
  const bias = tf.variable(tf.zeros([to]), true);
  return {
    variables: [kernel, bias],
    apply: (features) => tf.tidy(() => features.matMul(kernel).add(bias)),
    dispose: () => tf.dispose([kernel, bias]),
  };
}

function widthOf(model: DistillModel, layer: string): number | undefined {
  return model.layers.find((candidate) => candidate.name === layer)?.width;
}

function projectionFor(params: { teacherLayer: string; studentLayer: string }, context: BuildContext): Projection {
  // Losses are built after the models, so a loss can size itself to their layers.
  if (!context.models) throw new Error('cosine-hint sizes its projection from the models; build it with context.models');
  const from = widthOf(context.models.student, params.studentLayer)!;
  const to = widthOf(context.models.teacher, params.teacherLayer)!;
  return linearProjection(from, to, deriveSeed(context.seed, `cosine-hint${context.pointer}`));
}

export default definePlugin({
  kind: 'loss',
  name: 'cosine-hint',
  description: "Feature hint: 1 − cosine similarity between a student layer's (projected) features and a teacher layer's.",
  paramsSchema,
  create: (params, context): DistillLoss => {
    const projection = params.projection === 'linear' ? projectionFor(params, context) : undefined;
    return {
      requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
      variables: projection?.variables ?? [],
      compute: ({ studentFeatures, teacherFeatures }) =>
        tf.tidy(() => {
          // Features arrive shaped as their layer outputs them; this loss compares them as flat vectors per sample.
          const student = flattenFeatures(studentFeatures[params.studentLayer]);
          return cosineDistance(projection ? projection.apply(student) : student, flattenFeatures(teacherFeatures[params.teacherLayer]));
        }),
      dispose: () => projection?.dispose(),
    };
  },
  // Runs before training (and in `distill validate`): the issues appear at the param, with file:line:column.
  check: async (params, context) => {
    const issues: SemanticIssue[] = [];
    const models = { teacher: await context.teacher(), student: await context.student() };
    for (const [role, pointer, layer] of [['teacher', '/teacherLayer', params.teacherLayer], ['student', '/studentLayer', params.studentLayer]] as const) {
      const names = models[role].layers.map((candidate) => candidate.name);
      if (names.includes(layer)) continue;
      const close = nearest(layer, names);
      issues.push({ pointer, message: `the ${role} has no layer "${layer}"; its layers are: ${names.join(', ')}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) });
    }
    const [from, to] = [widthOf(models.student, params.studentLayer), widthOf(models.teacher, params.teacherLayer)];
    if (issues.length === 0 && params.projection === 'none' && from !== to) {
      issues.push({ pointer: '/projection', message: `"none" needs equal widths, but the student layer has ${from} and the teacher layer ${to}`, hint: 'use "linear"' });
    }
    return issues;
  },
});
