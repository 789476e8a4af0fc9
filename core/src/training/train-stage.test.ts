import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainStage, type StageConfig } from './train-stage.js';
import { hardLabelTerm } from './hard-label-term.js';
import type { LossTerm } from './loss-term.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { MetricPoint } from '../plugins/tracker-plugin.js';
import { seededRandom } from '../random/seeded-random.js';
import { withSeededMathRandom } from '../random/seeded-math-random.js';

// Small real tfjs models and data made here: the trainer is tested on its own, without the built-in plugins.
function model(seed: number): DistillModel {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu', name: 'hidden1', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input);
  const dropped = tf.layers.dropout({ rate: 0.2 }).apply(hidden);
  const logits = tf.layers.dense({ units: 3, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(dropped) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: logits }), layers: [{ name: 'hidden1', width: 8 }, { name: 'logits', width: 3 }], pretrained: false };
}

function data(count: number, seed: number) {
  const random = seededRandom(seed);
  const y = Int32Array.from({ length: count }, () => random.int(3));
  const x = new Float32Array(count * 6);
  for (let i = 0; i < count; i++) for (let j = 0; j < 6; j++) x[i * 6 + j] = random.normal() + (j % 3 === y[i] ? 2 : 0);
  return { x, y, count };
}

function adam(learningRate = 0.01): DistillOptimizer {
  const optimizer = tf.train.adam(learningRate);
  return { optimizer, baseLearningRate: learningRate, setLearningRate: (lr) => ((optimizer as unknown as { learningRate: number }).learningRate = lr), dispose: () => optimizer.dispose() };
}

function config(overrides: Partial<StageConfig> = {}): StageConfig {
  return {
    stage: 'student',
    model: model(3),
    terms: [hardLabelTerm],
    optimizer: adam(),
    schedule: { learningRateAt: (_, c) => c.baseLearningRate },
    train: data(96, 1),
    validation: data(30, 2),
    inputShape: [6],
    epochs: 3,
    batchSize: 16,
    shuffle: true,
    seed: 11,
    evalEvery: 1,
    ...overrides,
  };
}

async function collect(c: StageConfig, afterEachStep?: () => void) {
  const points: MetricPoint[] = [];
  const result = await trainStage(c, { metrics: async (p) => void points.push(...p), onStep: afterEachStep });
  return { points, result };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainStage', () => {
  it('does not leak tensors across steps and epochs', async () => {
    const c = config();
    const counts: number[] = [];
    await collect(c, () => counts.push(tf.memory().numTensors));
    expect(counts).toHaveLength(18);
    // After the first step the optimizer's slots exist; from then on the count must not move.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('logs every term, the total, the learning rate and the weight per step, and validation per epoch', async () => {
    const { points, result } = await collect(config({ epochs: 2 }));
    expect(result.steps).toBe(12);
    const keys = new Set(points.map((p) => p.key));
    expect(keys).toEqual(new Set(['student/train/loss', 'student/train/lr', 'student/train/loss/cross-entropy', 'student/train/weight/cross-entropy', 'student/val/accuracy', 'student/val/loss']));
    expect(points.filter((p) => p.key === 'student/train/loss').map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(points.filter((p) => p.key === 'student/val/accuracy').map((p) => p.epoch)).toEqual([0, 1]);
  });

  it('learns: validation accuracy rises well above chance on separable clusters', async () => {
    const { result } = await collect(config({ epochs: 8 }));
    expect(result.lastValidation.accuracy).toBeGreaterThan(0.8);
  });

  it('gives identical metrics for the same seed, dropout included', async () => {
    const run = () => withSeededMathRandom(5, async () => (await collect(config())).points.map((p) => p.value));
    const a = await run();
    expect(await run()).toEqual(a);
    const other = await withSeededMathRandom(6, async () => (await collect(config())).points.map((p) => p.value));
    expect(other).not.toEqual(a);
  });

  it('stops on a NaN loss naming the stage, the term, its plugin and the step', async () => {
    const poisoned: LossTerm = {
      name: 'poisoned',
      plugin: 'test',
      weight: 1,
      loss: { requires: {}, compute: (i) => (i.step === 4 ? tf.scalar(NaN) : i.studentLogits.square().mean()) as tf.Scalar },
    };
    await expect(collect(config({ terms: [hardLabelTerm, poisoned] }))).rejects.toThrow('student stage: loss term "poisoned" (plugin test) is NaN at step 4 (epoch 1)');
  });

  it('rejects a loss that returns a non-scalar or an int tensor, naming the plugin and the step', async () => {
    const vector: LossTerm = { name: 'vector', plugin: 'my-plugin', weight: 1, loss: { requires: {}, compute: (i) => i.studentLogits.mean(1) as unknown as tf.Scalar } };
    await expect(collect(config({ terms: [vector] }))).rejects.toThrow('loss "vector" (plugin my-plugin) at step 0 returned a tensor of shape [16]; it must return a scalar');
    const ints: LossTerm = { name: 'ints', plugin: 'my-plugin', weight: 1, loss: { requires: {}, compute: () => tf.scalar(1, 'int32') } };
    await expect(collect(config({ terms: [ints] }))).rejects.toThrow('loss "ints" (plugin my-plugin) at step 0 returned a tensor of dtype int32; it must be float32');
  });

  it('stops after maxSteps and lets a hook end the stage early', async () => {
    expect((await collect(config({ maxSteps: 5 }))).result.steps).toBe(5);
    const result = await trainStage(config(), { metrics: async () => {}, onEpochEnd: async (_, epoch) => (epoch === 0 ? 'stop' : undefined) });
    expect(result).toMatchObject({ steps: 6, epochs: 1, stoppedEarly: true });
  });
});
