import { describe, expect, it } from 'vitest';
import { UNLABELED, UserError, type Dataset, type DataSplit, buildPlugin } from '@distill/core';
import synthetic from './synthetic.js';

const build = async (params: Record<string, unknown> = {}) => (await buildPlugin(synthetic, params)) as Dataset;

function perClass(split: DataSplit, classes: number): number[] {
  const counts = new Array(classes).fill(0);
  for (const y of split.y) if (y !== UNLABELED) counts[y]++;
  return counts;
}

function classMeans(split: DataSplit, features: number, classes: number): number[][] {
  const sums = Array.from({ length: classes }, () => new Array(features).fill(0));
  const counts = new Array(classes).fill(0);
  split.y.forEach((y, i) => {
    counts[y]++;
    for (let f = 0; f < features; f++) sums[y][f] += split.x[i * features + f];
  });
  return sums.map((sum, c) => sum.map((s) => s / counts[c]));
}

describe('synthetic dataset', () => {
  it('splits each class into training, validation and test by the fractions', async () => {
    const data = await build({ numFeatures: 5, numClasses: 3, samplesPerClass: 100, validationFraction: 0.1, testFraction: 0.2 });
    expect(data.inputShape).toEqual([5]);
    expect(data.numClasses).toBe(3);
    expect(perClass(data.train, 3)).toEqual([70, 70, 70]);
    expect(perClass(data.validation!, 3)).toEqual([10, 10, 10]);
    expect(perClass(data.test, 3)).toEqual([20, 20, 20]);
    expect(data.train.x.length).toBe(210 * 5);
  });

  it('is the same data for the same seed and different data for another seed', async () => {
    const a = await build({ seed: 7 });
    const b = await build({ seed: 7 });
    const c = await build({ seed: 8 });
    expect(Array.from(b.train.x)).toEqual(Array.from(a.train.x));
    expect(Array.from(b.train.y)).toEqual(Array.from(a.train.y));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(Array.from(c.test.x.subarray(0, 16))).not.toEqual(Array.from(a.test.x.subarray(0, 16)));
  });

  it('gives the defaults: 16 features, 4 classes, 250 samples per class', async () => {
    const data = await build();
    expect(data.inputShape).toEqual([16]);
    expect(data.numClasses).toBe(4);
    expect(data.train.count + data.validation!.count + data.test.count).toBe(1000);
  });

  it('draws well separated classes when the clusters are tight', async () => {
    const data = await build({ numFeatures: 4, numClasses: 2, clustersPerClass: 1, separation: 5, clusterSpread: 0.1, seed: 3 });
    const [m0, m1] = classMeans(data.train, 4, 2);
    const [t0] = classMeans(data.test, 4, 2);
    const distance = Math.hypot(...m0.map((v, f) => v - m1[f]));
    expect(distance).toBeGreaterThan(1);
    // the test samples of a class sit around the same centre as its training samples
    expect(Math.hypot(...m0.map((v, f) => v - t0[f]))).toBeLessThan(0.1);
  });

  it('hides all but the first N training labels of each class', async () => {
    const data = await build({ numClasses: 3, samplesPerClass: 100, labelsPerClass: 5 });
    expect(perClass(data.train, 3)).toEqual([5, 5, 5]);
    expect(data.train.y.filter((y) => y === UNLABELED).length).toBe(data.train.count - 15);
    expect(perClass(data.teacherTrain!, 3)).toEqual([70, 70, 70]);
  });

  it('rejects fractions that leave no training samples', async () => {
    await expect(build({ samplesPerClass: 3, testFraction: 0.9, validationFraction: 0.5 })).rejects.toBeInstanceOf(UserError);
  });

  it('with multiLabel, gives every sample its class\'s target, and the odd clusters\' samples also the next class\'s', async () => {
    const data = await build({ numFeatures: 4, numClasses: 3, samplesPerClass: 40, clustersPerClass: 2, labelsPerClass: 5, multiLabel: true });
    expect(data.task).toBe('multilabel');
    const train = data.train as DataSplit;
    const plain = (await build({ numFeatures: 4, numClasses: 3, samplesPerClass: 40, clustersPerClass: 2, labelsPerClass: 5 })).train as DataSplit;
    // The same samples in the same order; labels become "labelled" (0) or UNLABELED.
    expect(Array.from(train.x)).toEqual(Array.from(plain.x));
    expect(Array.from(train.y)).toEqual(Array.from(plain.y, (y) => (y === UNLABELED ? UNLABELED : 0)));
    const teacherTrain = data.teacherTrain as DataSplit;
    expect(new Set(teacherTrain.y)).toEqual(new Set([0]));
    const targets = train.targets!;
    expect(targets.length).toBe(train.count * 3);
    const rows = Array.from({ length: train.count }, (_, i) => Array.from(targets.subarray(i * 3, i * 3 + 3)));
    expect(rows.every((row) => row.every((t) => t === 0 || t === 1))).toBe(true);
    const perRow = rows.map((row) => row.reduce((a, b) => a + b, 0));
    expect(new Set(perRow)).toEqual(new Set([1, 2]));
    // Half the clusters carry two targets: about half the samples.
    expect(perRow.filter((n) => n === 2).length).toBe(train.count / 2);
    expect((data.test as DataSplit).targets!.length).toBe((data.test as DataSplit).count * 3);
    expect(data.fingerprint).not.toBe((await build({ numFeatures: 4, numClasses: 3, samplesPerClass: 40, clustersPerClass: 2, labelsPerClass: 5 })).fingerprint);
  });
});

