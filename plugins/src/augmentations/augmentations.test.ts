// The built-in augmentations on small batches whose expected result follows from the batch itself: a crop moves a
// lone pixel by at most the padding; a flip mirrors; mixup mixes inputs and targets with the same weight (inputs equal
// to their one-hot targets stay equal to them); cutmix's targets weigh each class by the pixels it keeps; the same
// seed gives the same batch; nothing leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, seededRandom, type Augmentation, type AugmentationBatch, type DatasetInfo } from '@distill/core';
import randomCrop from './random-crop.js';
import horizontalFlip from './horizontal-flip.js';
import randomShift from './random-shift.js';
import gaussianNoise from './gaussian-noise.js';
import mixup from './mixup.js';
import cutmix from './cutmix.js';
import { betaSample } from './image-batch.js';

const random = (seed: number) => Object.assign(seededRandom(seed), { tensorSeed: () => seed });
const images: DatasetInfo = { inputShape: [5, 5, 1], numClasses: 4 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** `n` 5×5 images, each black but for one pixel of value 1 at the centre; sample i is of class i mod 4. */
function dotBatch(n: number): AugmentationBatch {
  const x = tf.buffer([n, 5, 5, 1]);
  for (let i = 0; i < n; i++) x.set(1, i, 2, 2, 0);
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32');
  return { inputs: x.toTensor(), targets: tf.oneHot(labels, 4).toFloat() as tf.Tensor2D, labelMask: tf.ones([n]) as tf.Tensor1D };
}

async function apply(augmentation: Augmentation, batch: AugmentationBatch, seed: number): Promise<{ inputs: number[][][][]; targets: number[][]; mask: number[] }> {
  const out = tf.tidy(() => {
    const result = augmentation.apply(batch, random(seed));
    return [result.inputs, result.targets, result.labelMask] as const;
  });
  const values = { inputs: (await out[0].array()) as number[][][][], targets: (await out[1].array()) as number[][], mask: (await out[2].array()) as number[] };
  // What the augmentation passed through unchanged is the batch's own tensor: not ours to free.
  tf.dispose(out.filter((t) => t !== batch.inputs && t !== batch.targets && t !== batch.labelMask));
  return values;
}

function dotPosition(image: number[][][]): [number, number][] {
  const found: [number, number][] = [];
  image.forEach((row, y) => row.forEach((pixel, x) => pixel[0] === 1 && found.push([y, x])));
  return found;
}

describe('built-in augmentations', () => {
  it('random-crop moves each image by at most the padding, differently across samples, the same for the same seed', async () => {
    const crop = await buildPlugin(randomCrop, { padding: 2 }, { dataset: images });
    const batch = dotBatch(16);
    const { inputs } = await apply(crop, batch, 3);
    const moves = inputs.map((image) => dotPosition(image));
    moves.forEach((found) => {
      expect(found).toHaveLength(1);
      expect(Math.abs(found[0][0] - 2)).toBeLessThanOrEqual(2);
      expect(Math.abs(found[0][1] - 2)).toBeLessThanOrEqual(2);
    });
    expect(new Set(moves.map((m) => m.join())).size).toBeGreaterThan(3);
    expect((await apply(crop, batch, 3)).inputs).toEqual(inputs);
  });

  it('horizontal-flip mirrors every image with probability 1 and none with probability 0', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const batch = { inputs: x, targets: tf.tensor2d([[1, 0]]), labelMask: tf.ones([1]) as tf.Tensor1D };
    const always = await buildPlugin(horizontalFlip, { probability: 1 }, { dataset: { inputShape: [2, 3, 1], numClasses: 2 } });
    const never = await buildPlugin(horizontalFlip, { probability: 0 }, { dataset: { inputShape: [2, 3, 1], numClasses: 2 } });
    expect((await apply(always, batch, 1)).inputs).toEqual([[[[3], [2], [1]], [[6], [5], [4]]]]);
    expect((await apply(never, batch, 1)).inputs).toEqual([[[[1], [2], [3]], [[4], [5], [6]]]]);
  });

  it('random-shift keeps the lone pixel within maxShift, or drops it at the border', async () => {
    const shift = await buildPlugin(randomShift, { maxShift: 1 }, { dataset: images });
    const { inputs } = await apply(shift, dotBatch(8), 5);
    inputs.forEach((image) => {
      const [[y, x]] = dotPosition(image);
      expect(Math.max(Math.abs(y - 2), Math.abs(x - 2))).toBeLessThanOrEqual(1);
    });
  });

  it('mixup mixes inputs and targets with one weight, and a sample mixed with an unlabelled one is unlabelled', async () => {
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const targets = tf.oneHot(labels, 4).toFloat() as tf.Tensor2D;
    const batch = { inputs: targets.clone(), targets, labelMask: tf.tensor1d([1, 1, 1, 1, 1, 1, 1, 0]) };
    const mix = await buildPlugin(mixup, { alpha: 1 }, { dataset: { inputShape: [4], numClasses: 4 } });
    const out = tf.tidy(() => mix.apply(batch, random(9)));
    const [inputs, mixed, mask] = [(await out.inputs.array()) as number[][], (await out.targets.array()) as number[][], (await out.labelMask.array()) as number[]];
    inputs.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(mixed[i][j], 6)));
    mixed.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
    expect(mixed.some((row) => Math.max(...row) < 0.999)).toBe(true);
    // Exactly the sample itself and the one whose partner it is lose their label with sample 7.
    expect(mask.filter((m) => m === 0).length).toBeGreaterThanOrEqual(1);
    expect(mask[7]).toBe(0);
    tf.dispose([out.inputs, out.targets, out.labelMask]);
  });

  it('cutmix weighs each sample\'s own class by the share of its pixels it keeps', async () => {
    const n = 6;
    // Sample i is filled with the value i + 1 and is of class i: the pixels tell whose they are.
    const inputs = tf.tensor4d(Array.from({ length: n * 25 }, (_, k) => Math.floor(k / 25) + 1), [n, 5, 5, 1]);
    const targets = tf.oneHot(tf.range(0, n, 1, 'int32'), n).toFloat() as tf.Tensor2D;
    const cut = await buildPlugin(cutmix, { alpha: 1 }, { dataset: { inputShape: [5, 5, 1], numClasses: n } });
    for (const seed of [1, 2, 3, 4]) {
      const out = await apply(cut, { inputs, targets, labelMask: tf.ones([n]) as tf.Tensor1D }, seed);
      out.inputs.forEach((image, i) => {
        const own = image.flat(2).filter((v) => v === i + 1).length / 25;
        expect(out.targets[i][i]).toBeCloseTo(own, 6);
        expect(out.targets[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      });
    }
  });

  it('gaussian-noise adds noise of the given spread, reproducibly', async () => {
    const noise = await buildPlugin(gaussianNoise, { std: 0.5 }, { dataset: { inputShape: [100], numClasses: 2 } });
    const batch = { inputs: tf.zeros([50, 100]), targets: tf.tensor2d(Array.from({ length: 50 }, () => [1, 0])), labelMask: tf.ones([50]) as tf.Tensor1D };
    const first = tf.tidy(() => noise.apply(batch, random(4)).inputs);
    const values = (await first.data()) as Float32Array;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(std).toBeGreaterThan(0.45);
    expect(std).toBeLessThan(0.55);
    const again = tf.tidy(() => noise.apply(batch, random(4)).inputs);
    expect([...((await again.data()) as Float32Array)]).toEqual([...values]);
    tf.dispose([first, again]);
  });

  it('Beta(α, α) draws have mean 1/2 and variance 1 / (4 (2α + 1))', () => {
    const generator = seededRandom(12);
    for (const alpha of [0.2, 1, 4]) {
      const draws = Array.from({ length: 20000 }, () => betaSample(alpha, generator));
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
      expect(mean).toBeCloseTo(0.5, 1);
      expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 2);
    }
  });

  it('leaves no tensor behind when applied inside tf.tidy', async () => {
    const plugins = [
      await buildPlugin(randomCrop, {}, { dataset: images }),
      await buildPlugin(horizontalFlip, {}, { dataset: images }),
      await buildPlugin(randomShift, { maxRotation: 10 }, { dataset: images }),
      await buildPlugin(gaussianNoise, {}, { dataset: images }),
      await buildPlugin(mixup, {}, { dataset: images }),
      await buildPlugin(cutmix, {}, { dataset: images }),
    ];
    const batch = dotBatch(8);
    const before = tf.memory().numTensors;
    for (const plugin of plugins) {
      const kept = tf.tidy(() => plugin.apply(batch, random(2)).inputs);
      kept.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
