// The `cross-entropy` loss on the mixed class distributions augmentation gives it (`softTargets`: mixup, cutmix),
// against the golden vectors of its numpy reference (test/reference/soft_target_cross_entropy.py), with and without
// label smoothing, on the wasm and cpu backends.
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, type LossInputs } from '@distill/core';
import crossEntropy from './cross-entropy.js';
import { describeGoldenMethod, readGoldenFixture, type GoldenCase, type Nested } from '../../../test/fixtures/golden/golden-fixture.js';

type Case = GoldenCase<{ studentLogits: Nested; softTargets: Nested; labelMask: Nested }, { labelSmoothing: number }>;

const fixture = readGoldenFixture<Case>('soft-target-cross-entropy');
const losses = new Map(await Promise.all(fixture.cases.map(async (c) => [c.name, await buildPlugin(crossEntropy, c.params)] as const)));

describeGoldenMethod(fixture, (c) => {
  const labels = Array.from({ length: (c.inputs.labelMask as number[]).length }, () => 0);
  const labelTensor = tf.tensor1d(labels, 'int32');
  return {
    // labels hold a placeholder class: with soft targets present the loss must not read them.
    loss: ({ studentLogits, softTargets, labelMask }) => losses.get(c.name)!.compute({ studentLogits, softTargets, labelMask, labels: labelTensor } as unknown as LossInputs),
    inputs: { studentLogits: tf.tensor(c.inputs.studentLogits as number[]), softTargets: tf.tensor(c.inputs.softTargets as number[]), labelMask: tf.tensor(c.inputs.labelMask as number[]) },
    expected: c.expected,
    trained: ['studentLogits'],
    frozen: [],
  };
});
