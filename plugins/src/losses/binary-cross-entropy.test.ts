// The `binary-cross-entropy` loss against the golden vectors of its numpy reference (test/reference/binary_cross_entropy.py)
// on the wasm and cpu backends, and its place in a manifest: targets only, multi-label datasets only.
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, type LossInputs, type SemanticCheckContext } from '@distill/core';
import binaryCrossEntropy from './binary-cross-entropy.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase, type Nested } from '../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ studentLogits: Nested; targets: Nested; labelMask: Nested }>;

const loss = await buildPlugin(binaryCrossEntropy, {});

describeGoldenMethod(
  readGoldenFixture<Case>('binary-cross-entropy'),
  (c) => ({
    // Only the tensors the loss reads: the leak check counts every tensor made while it runs.
    loss: ({ studentLogits, targets, labelMask }) => loss.compute({ studentLogits, targets, labelMask } as unknown as LossInputs),
    inputs: { studentLogits: tf.tensor(c.inputs.studentLogits as number[]), targets: tf.tensor(c.inputs.targets as number[]), labelMask: tf.tensor(c.inputs.labelMask as number[]) },
    expected: c.expected,
    trained: ['studentLogits'],
    frozen: [],
  }),
  () => {
    it('asks for labels and targets, and is refused on a multi-class dataset', async () => {
      expect(loss.requires).toEqual({ labels: true, targets: true });
      const context = (task?: 'multiclass' | 'multilabel'): SemanticCheckContext => ({
        teacher: () => Promise.reject(new Error('not needed')),
        student: () => Promise.reject(new Error('not needed')),
        dataset: async () => ({ inputShape: [4], numClasses: 3, ...(task ? { task } : {}) }),
      });
      expect(await binaryCrossEntropy.check!({}, context('multilabel'))).toEqual([]);
      expect(await binaryCrossEntropy.check!({}, context())).toEqual([
        { pointer: '', message: 'binary-cross-entropy needs a multi-label dataset (targets per class); this dataset is multi-class', hint: 'use cross-entropy' },
      ]);
    });
  },
);
