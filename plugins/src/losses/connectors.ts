// Connectors: small trainable maps a loss owns to bring a student layer to a teacher layer's shape (FitNets'
// regressor, a width match before a distance). Chosen by a param: `linear` (a dense map of the flattened features),
// `conv1x1` (a 1×1 convolution across channels) or `conv-bn` (a 3×3 convolution and batch normalization, the
// regressor of most FitNets implementations). Their variables are trained and saved with the student.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, flattenFeatures, type SemanticIssue } from '@distill/core';
import { LinearProjection } from './linear-projection.js';

export const CONNECTORS = ['linear', 'conv1x1', 'conv-bn'] as const;
export type ConnectorKind = (typeof CONNECTORS)[number];

export interface Connector {
  readonly variables: tf.Variable[];
  /** The student's features mapped to the teacher layer's shape (`[batch, width]` for `linear`, NHWC for the convs). */
  apply(features: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/**
 * Why `kind` cannot connect a student layer of per-sample shape `from` to a teacher layer of shape `to`, or undefined
 * when it can. The convolutional connectors need conv maps (`[height, width, channels]`) of the same spatial size.
 */
export function connectorIssue(kind: ConnectorKind, student: { name: string; shape: readonly number[] }, teacher: { name: string; shape: readonly number[] }): Omit<SemanticIssue, 'pointer'> | undefined {
  if (kind === 'linear') return undefined;
  const shapes = `student layer "${student.name}" [${student.shape.join(', ')}] and teacher layer "${teacher.name}" [${teacher.shape.join(', ')}]`;
  if (student.shape.length !== 3 || teacher.shape.length !== 3) {
    return {
      message: `the "${kind}" connector maps conv maps (height, width, channels) to conv maps, but ${shapes} are not both conv maps`,
      hint: 'use "connector": "linear" for a dense (2-D) layer, or tap conv layers on both sides',
    };
  }
  if (student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1]) {
    return {
      message: `the "${kind}" connector keeps the spatial size, but ${shapes} differ in height or width`,
      hint: 'tap layers of the same height and width (a student block after as many poolings as the teacher stage), or use "connector": "linear"',
    };
  }
  return undefined;
}

/** A connector from per-sample shape `from` to `to`, initialised from the run's seed and `purpose`. */
export function createConnector(kind: ConnectorKind, from: readonly number[], to: readonly number[], seed: number, purpose: string): Connector {
  if (kind === 'linear') {
    const projection = new LinearProjection(size(from), size(to), seed, purpose);
    return {
      variables: projection.variables,
      apply: (features) => tf.tidy(() => projection.apply(flattenFeatures(features))),
      dispose: () => projection.dispose(),
    };
  }
  const [inChannels, outChannels] = [from[2], to[2]];
  const kernelSize = kind === 'conv1x1' ? 1 : 3;
  const init = tf.initializers.heNormal({ seed: deriveSeed(seed, purpose) });
  const kernel = tf.tidy(() => tf.variable(init.apply([kernelSize, kernelSize, inChannels, outChannels]) as tf.Tensor4D, true, uniqueVariableName(`connector/${kind}/kernel`)));
  if (kind === 'conv1x1') {
    const bias = tf.tidy(() => tf.variable(tf.zeros([outChannels]), true, uniqueVariableName('connector/conv1x1/bias')));
    return {
      variables: [kernel, bias],
      apply: (features) => tf.tidy(() => tf.conv2d(features as tf.Tensor4D, kernel as tf.Variable<tf.Rank.R4>, 1, 'same').add(bias)),
      dispose: () => tf.dispose([kernel, bias]),
    };
  }
  const gamma = tf.tidy(() => tf.variable(tf.ones([outChannels]), true, uniqueVariableName('connector/conv-bn/gamma')));
  const beta = tf.tidy(() => tf.variable(tf.zeros([outChannels]), true, uniqueVariableName('connector/conv-bn/beta')));
  return {
    variables: [kernel, gamma, beta],
    // The connector lives only in training: batch normalization uses the batch's statistics, no running averages.
    apply: (features) =>
      tf.tidy(() => {
        const convolved = tf.conv2d(features as tf.Tensor4D, kernel as tf.Variable<tf.Rank.R4>, 1, 'same');
        const { mean, variance } = tf.moments(convolved, [0, 1, 2]);
        return tf.batchNorm(convolved, mean, variance, beta, gamma, 1e-5);
      }),
    dispose: () => tf.dispose([kernel, gamma, beta]),
  };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** tfjs keeps one registry of variable names: a second connector (another loss, another build) gets a suffix. */
export function uniqueVariableName(base: string): string {
  const taken = tf.engine().registeredVariables;
  let name = base;
  for (let i = 1; name in taken; i++) name = `${base}_${i}`;
  return name;
}
