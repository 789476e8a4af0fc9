// A stage's batches through the manifest's augmentations (`training.augment`): each augmentation in order, inside
// tf.tidy, with its randomness drawn from a generator seeded by the run's augmentation seed, the stage, the step and
// its place in the list — so a run is reproducible, and a resumed run augments its remaining steps as before. Class
// labels become a class distribution per sample (`softTargets`) that mixing augmentations mix like the inputs.
import * as tf from '@tensorflow/tfjs';
import type { Augmentation, AugmentationBatch, AugmentationRandom } from '../plugins/augmentation-plugin.js';
import { deriveSeed, seededRandom } from '../random/seeded-random.js';
import type { SampleLayout } from '../data/sample-layout.js';
import type { Batch } from './batches.js';

export interface NamedAugmentation {
  /** The plugin's name, for messages. */
  readonly name: string;
  readonly augmentation: Augmentation;
}

/** A `transformBatch` hook applying `augmentations` in order to each batch of stage `stage`. */
export function batchAugmenter(augmentations: readonly NamedAugmentation[], layout: SampleLayout, seed: number, stage: string): (batch: Batch, step: number) => Batch {
  return (batch, step) =>
    tf.tidy(() => {
      const multilabel = layout.task === 'multilabel';
      let current: AugmentationBatch = {
        inputs: batch.x,
        targets: multilabel ? batch.targets! : (tf.oneHot(batch.labels.toInt(), layout.numClasses).toFloat() as tf.Tensor2D),
        labelMask: batch.labelMask,
      };
      augmentations.forEach(({ name, augmentation }, index) => {
        const next = augmentation.apply(current, stepRandom(deriveSeed(seed, `${stage}:${step}:${index}`)));
        checkShapes(name, current, next);
        current = next;
      });
      return {
        indices: batch.indices,
        // The trainer frees the read batch and this one: nothing may be shared between them.
        x: current.inputs === batch.x ? batch.x.clone() : current.inputs,
        // A hard-label loss reads the class that weighs most; the soft targets carry the mix.
        labels: multilabel ? batch.labels.clone() : (current.targets.argMax(1).toInt() as tf.Tensor1D),
        labelMask: current.labelMask === batch.labelMask ? batch.labelMask.clone() : current.labelMask,
        sampleIds: batch.sampleIds.clone(),
        ...(multilabel ? { targets: current.targets === batch.targets ? batch.targets!.clone() : current.targets } : { softTargets: current.targets }),
      };
    });
}

function stepRandom(seed: number): AugmentationRandom {
  const random = seededRandom(seed);
  return Object.assign(random, { tensorSeed: () => Math.floor(random.next() * 2 ** 31) });
}

function checkShapes(name: string, before: AugmentationBatch, after: AugmentationBatch): void {
  const same = (a: tf.Tensor | undefined, b: tf.Tensor) => a !== undefined && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  for (const key of ['inputs', 'targets', 'labelMask'] as const) {
    if (!after || !same(after[key], before[key])) {
      throw new Error(`augmentation "${name}" returned ${key} of shape [${after?.[key]?.shape?.join(', ') ?? 'nothing'}]; it must keep the batch's shape [${before[key].shape.join(', ')}]`);
    }
  }
}
