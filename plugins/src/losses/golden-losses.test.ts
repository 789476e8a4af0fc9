// Every built-in loss against the PyTorch reference vectors of test/fixtures/golden/losses.json, to 1e-5, on the wasm
// backend (distill's default) and on cpu. The definitions they follow: docs/loss-conventions.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { UNLABELED, type DistillLoss, type LossInputs, type PluginDefinition, buildPlugin, lossInputs } from '@distill/core';
import klDivergence from './kl-divergence.js';
import crossEntropy from './cross-entropy.js';
import featureMse from './feature-mse.js';

const goldenPath = fileURLToPath(new URL('../../../test/fixtures/golden/losses.json', import.meta.url));

interface GoldenCase {
  loss: string;
  temperature?: number;
  teacherLogits?: number[][];
  studentLogits?: number[][];
  labels?: (number | null)[];
  teacherFeatures?: number[][];
  studentFeatures?: number[][];
  expected: Record<string, number>;
}

const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as { generator: string; cases: GoldenCase[] };
const TOLERANCE = 1e-5;
/**
 * 1e-5, relative above 1. The reference values are float32 results, and ×T² amplifies their rounding: at T=20 the
 * reference klTimesTSquared is 4.3e-5 away from the exact (float64) value, so an absolute 1e-5 would test noise.
 */
const withinTolerance = (actual: number, expected: number) => Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected));

async function lossValue(plugin: PluginDefinition<'loss'>, params: Record<string, unknown>, inputs: Partial<LossInputs>): Promise<number> {
  const loss = (await buildPlugin(plugin, params)) as DistillLoss;
  const batch = (inputs.studentLogits ?? Object.values(inputs.studentFeatures ?? {})[0]).shape[0];
  const full = lossInputs(batch, inputs);
  const value = loss.compute(full);
  const result = (await value.data())[0];
  tf.dispose([value, full.studentLogits, full.teacherLogits, full.labels, full.labelMask]);
  loss.dispose?.();
  return result;
}

function caseName(c: GoldenCase, i: number): string {
  return `case ${i}: ${c.loss}${c.temperature === undefined ? '' : ` at T=${c.temperature}`}`;
}

const kinds = new Set(golden.cases.map((c) => c.loss.split(' ')[0]));

describe.each(['wasm', 'cpu'])('golden losses on the %s backend', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend(backend)).toBe(true);
    expect(tf.getBackend()).toBe(backend);
  });
  afterAll(() => tf.setBackend('cpu'));

  it('covers kl-divergence, cross-entropy and feature-mse', () => {
    expect(golden.generator).toMatch(/^torch /);
    expect([...kinds].sort()).toEqual(['cross-entropy', 'feature-mse', 'kl-divergence']);
  });

  golden.cases.forEach((c, i) => {
    if (c.loss === 'kl-divergence') {
      it(`${caseName(c, i)}: KL mean over the batch, and × T²`, async () => {
        const inputs = () => ({ teacherLogits: tf.tensor2d(c.teacherLogits!), studentLogits: tf.tensor2d(c.studentLogits!) });
        const plain = await lossValue(klDivergence, { temperature: c.temperature, scaleByTemperatureSquared: false }, inputs());
        const scaled = await lossValue(klDivergence, { temperature: c.temperature }, inputs());
        expect(Math.abs(plain - c.expected.klMeanOverBatch)).toBeLessThan(TOLERANCE);
        expect(withinTolerance(scaled, c.expected.klTimesTSquared), `${scaled} vs ${c.expected.klTimesTSquared}`).toBe(true);
        expect(scaled).toBeCloseTo(plain * c.temperature! ** 2, 5);
      });
    } else if (c.loss.startsWith('cross-entropy')) {
      const key = 'meanOverLabeled' in c.expected ? 'meanOverLabeled' : 'mean';
      it(`${caseName(c, i)}: ${key}`, async () => {
        const labels = c.labels!.map((y) => (y === null ? UNLABELED : y));
        const value = await lossValue(crossEntropy, {}, {
          studentLogits: tf.tensor2d(c.studentLogits!),
          labels: tf.tensor1d(labels, 'int32'),
          labelMask: tf.tensor1d(labels.map((y) => (y === UNLABELED ? 0 : 1))),
        });
        expect(Math.abs(value - c.expected[key])).toBeLessThan(TOLERANCE);
      });
    } else if (c.loss === 'feature-mse') {
      it(`${caseName(c, i)}: mean over all elements`, async () => {
        const value = await lossValue(featureMse, { teacherLayer: 'hidden2', studentLayer: 'hidden1' }, {
          studentFeatures: { hidden1: tf.tensor2d(c.studentFeatures!) },
          teacherFeatures: { hidden2: tf.tensor2d(c.teacherFeatures!) },
        });
        expect(Math.abs(value - c.expected.meanOverAllElements)).toBeLessThan(TOLERANCE);
      });
    } else {
      it(`${caseName(c, i)} is a loss this test knows`, () => expect.fail(`unknown loss "${c.loss}" in ${goldenPath}`));
    }
  });
});
