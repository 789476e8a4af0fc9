// FitNets hint loss (Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015, Eq. (3)): the student's guided
// layer, already mapped onto the teacher's hint layer by the regressor (a trainable connector the loss owns), is
// pulled towards the hint. Conventions: docs/loss-conventions.md#fitnets-hint-loss; reference: test/reference/fitnets.py.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, flattenFeatures, requireLayer, type DistillLoss } from '@distill/core';
import { stopGradient } from '../stop-gradient.js';
import { connectorIssue, createConnector, type Connector } from '../connectors.js';
import { featuresOf, findLayers, layerShape, shapeText, studentLayerSchema, teacherLayerSchema } from './tapped-layers.js';

/**
 * ½ ‖u_h − r(v_g)‖² per sample, summed over every non-batch axis (H×W×C for an NHWC map), averaged over the batch.
 * `regressedStudent` is r(v_g(x)) and must have the hint's shape; the hint gets no gradient.
 */
export function fitnetsHintLoss(regressedStudent: tf.Tensor, teacherHint: tf.Tensor): tf.Scalar {
  if (regressedStudent.shape.join() !== teacherHint.shape.join()) {
    throw new Error(
      `fitnets: the regressed student map [${regressedStudent.shape}] must have the teacher hint's shape [${teacherHint.shape}]; the regressor maps the guided layer onto the hint layer`,
    );
  }
  return tf.tidy(() => tf.squaredDifference(regressedStudent, stopGradient(teacherHint)).sum().div(2 * teacherHint.shape[0]) as tf.Scalar);
}

// ——— The `fitnets` loss plugin ———

const paramsSchema = {
  type: 'object',
  properties: {
    teacherLayer: { ...teacherLayerSchema, description: "The teacher's hint layer (a middle layer of the teacher)." },
    studentLayer: { ...studentLayerSchema, description: "The student's guided layer, mapped onto the hint by the connector." },
    connector: {
      enum: ['conv-bn', 'conv1x1', 'linear', 'none'],
      default: 'conv-bn',
      description:
        "The regressor r from the guided layer to the hint's shape, trained with the student and saved with it: 'conv-bn' (3×3 convolution + batch normalization), 'conv1x1' (1×1 convolution), both for conv maps of the same height and width; 'linear' (a dense map of the flattened features, for dense layers); 'none' when the shapes already match.",
    },
  },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'loss',
  name: 'fitnets',
  description: "FitNets hint loss (Romero et al., ICLR 2015): ½‖u_h − r(v_g)‖² per sample, the student's guided layer through a trainable connector r against the teacher's hint layer.",
  paramsSchema,
  create: (params, context): DistillLoss => {
    let connector: Connector | undefined;
    if (params.connector !== 'none') {
      if (!context.models) throw new Error('fitnets sizes its connector from the models; build it with context.models');
      const from = layerShape(requireLayer(context.models.student, 'student', params.studentLayer)).shape;
      const to = layerShape(requireLayer(context.models.teacher, 'teacher', params.teacherLayer)).shape;
      connector = createConnector(params.connector, from, to, context.seed, `fitnets${context.pointer}`);
    }
    const flat = params.connector === 'linear';
    return {
      requires: { teacherLayers: [params.teacherLayer], studentLayers: [params.studentLayer] },
      variables: connector?.variables ?? [],
      compute: ({ studentFeatures, teacherFeatures }) =>
        tf.tidy(() => {
          const student = featuresOf(studentFeatures, params.studentLayer, 'student');
          const teacher = featuresOf(teacherFeatures, params.teacherLayer, 'teacher');
          return fitnetsHintLoss(connector ? connector.apply(student) : student, flat ? flattenFeatures(teacher) : teacher);
        }),
      dispose: () => connector?.dispose(),
    };
  },
  check: async (params, context) => {
    const { issues, found } = await findLayers(context, [
      { role: 'teacher', name: params.teacherLayer, pointer: '/teacherLayer' },
      { role: 'student', name: params.studentLayer, pointer: '/studentLayer' },
    ]);
    if (issues.length) return issues;
    const [teacher, student] = found;
    if (params.connector === 'none') {
      if (teacher.shape.join() === student.shape.join()) return [];
      return [{
        pointer: '/connector',
        message: `without a connector the guided layer must have the hint's shape, but student layer "${student.name}" is ${shapeText(student.shape)} and teacher layer "${teacher.name}" is ${shapeText(teacher.shape)}`,
        hint: student.shape.length === 3 && teacher.shape.length === 3 ? 'use "connector": "conv-bn" or "conv1x1"' : 'use "connector": "linear"',
      }];
    }
    const issue = connectorIssue(params.connector, student, teacher);
    return issue ? [{ pointer: '/connector', ...issue }] : [];
  },
});
