// The `mixup` augmentation (Zhang et al., 2018): each sample blended with another of the batch, x = λ·x_i + (1−λ)·x_j,
// and its class distribution blended with the same λ, so the student's cross-entropy targets are the mix, and the
// teachers, run on the blended inputs, give their own outputs for them. λ ~ Beta(α, α), one per batch.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type Augmentation } from '@distill/core';
import { betaSample, partners } from './image-batch.js';

const paramsSchema = {
  type: 'object',
  properties: {
    alpha: { type: 'number', exclusiveMinimum: 0, default: 0.2, description: 'α of the Beta(α, α) the mixing weight λ is drawn from; small α keeps most samples close to one of the two.' },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'augmentation',
  name: 'mixup',
  description: 'Blends each sample with a random partner of the batch by λ ~ Beta(alpha, alpha), inputs and class distributions alike; a sample mixed with an unlabelled one is unlabelled.',
  paramsSchema,
  create: (params): Augmentation => ({
    apply: (batch, random) => {
      const lambda = betaSample(params.alpha, random);
      const other = partners(batch.inputs.shape[0], random);
      const mix = <T extends tf.Tensor>(t: T): T => t.mul(lambda).add(t.gather(other).mul(1 - lambda)) as T;
      return { inputs: mix(batch.inputs), targets: mix(batch.targets), labelMask: batch.labelMask.mul(batch.labelMask.gather(other)) };
    },
  }),
  check: async (_params, context) => ((await context.dataset()).inputDtype === 'int32' ? [{ pointer: '', message: 'mixup blends float inputs; this dataset gives token ids (int32)' }] : []),
});
