import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createStageState, trainStage, type StageConfig, type StageState } from './train-stage.js';
import { hardLabelTerm, multiLabelTerm } from './hard-label-term.js';
import type { LossTerm } from './loss-term.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { DistillOptimizer } from '../plugins/optimizer-plugin.js';
import type { MetricPoint } from '../plugins/tracker-plugin.js';
import { seededRandom } from '../random/seeded-random.js';
import { withSeededMathRandom } from '../random/seeded-math-random.js';
import { inMemorySource } from '../data/in-memory-source.js';
import type { LossInputs } from '../plugins/loss-plugin.js';
import { tapModel } from './tapped-model.js';
import { computeTeacherOutputs, modelPredictor } from './teacher-outputs.js';

// Small real tfjs models and data made here: the trainer is tested on its own, without the built-in plugins.
function model(seed: number): DistillModel {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu', name: 'hidden1', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input);
  const dropped = tf.layers.dropout({ rate: 0.2 }).apply(hidden);
  const logits = tf.layers.dense({ units: 3, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(dropped) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: logits }), layers: [{ name: 'hidden1', width: 8 }, { name: 'logits', width: 3 }], pretrained: false };
}

function rows(count: number, seed: number) {
  const random = seededRandom(seed);
  const y = Int32Array.from({ length: count }, () => random.int(3));
  const x = new Float32Array(count * 6);
  for (let i = 0; i < count; i++) for (let j = 0; j < 6; j++) x[i * 6 + j] = random.normal() + (j % 3 === y[i] ? 2 : 0);
  return { x, y, count };
}

const data = (count: number, seed: number) => inMemorySource(rows(count, seed));
const layout = { inputShape: [6], inputDtype: 'float32', numClasses: 3, task: 'multiclass' } as const;

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
    layout,
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
      teachers: [],
      loss: { requires: {}, compute: (i) => (i.step === 4 ? tf.scalar(NaN) : i.studentLogits.square().mean()) as tf.Scalar },
    };
    await expect(collect(config({ terms: [hardLabelTerm, poisoned] }))).rejects.toThrow('student stage: loss term "poisoned" (plugin test) is NaN at step 4 (epoch 1)');
  });

  it("optimizes a loss's trainable variables, never its non-trainable ones (a memory bank it writes itself)", async () => {
    const trained = tf.variable(tf.ones([3]), true);
    const bank = tf.variable(tf.ones([3]), false);
    const owner: LossTerm = {
      name: 'owner',
      plugin: 'test',
      weight: 1,
      teachers: [],
      // Both variables are on the path to the loss and handed to the optimizer step: only the trainable one may move
      // (crd's memory banks rely on this).
      loss: { requires: {}, variables: [trained, bank], compute: (i) => i.studentLogits.mean().add(trained.mul(bank).sum().square()) as tf.Scalar },
    };
    await collect(config({ terms: [hardLabelTerm, owner], epochs: 1 }));
    expect(Array.from(trained.dataSync()).every((v) => v < 1)).toBe(true);
    expect(Array.from(bank.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([trained, bank]);
  });

  it('rejects a loss that returns a non-scalar or an int tensor, naming the plugin and the step', async () => {
    const vector: LossTerm = { name: 'vector', plugin: 'my-plugin', weight: 1, teachers: [], loss: { requires: {}, compute: (i) => i.studentLogits.mean(1) as unknown as tf.Scalar } };
    await expect(collect(config({ terms: [vector] }))).rejects.toThrow('loss "vector" (plugin my-plugin) at step 0 returned a tensor of shape [16]; it must return a scalar');
    const ints: LossTerm = { name: 'ints', plugin: 'my-plugin', weight: 1, teachers: [], loss: { requires: {}, compute: () => tf.scalar(1, 'int32') } };
    await expect(collect(config({ terms: [ints] }))).rejects.toThrow('loss "ints" (plugin my-plugin) at step 0 returned a tensor of dtype int32; it must be float32');
  });

  it('stops after maxSteps and lets a hook end the stage early', async () => {
    expect((await collect(config({ maxSteps: 5 }))).result.steps).toBe(5);
    const result = await trainStage(config(), { metrics: async () => {}, onEpochEnd: async (_, epoch) => (epoch === 0 ? 'stop' : undefined) });
    expect(result).toMatchObject({ steps: 6, epochs: 1, stoppedEarly: true });
  });

  it('hands afterStep the state after each update: completed steps, the epoch, the learning rate, the optimizer', async () => {
    const c = config({ epochs: 2 });
    const seen: [number, number, number][] = [];
    let state: StageState | undefined;
    await trainStage(c, { metrics: async () => {}, afterStep: (s) => void (state = s, seen.push([s.step, s.epoch, s.stepInEpoch])) });
    expect(seen.slice(0, 7)).toEqual([[1, 0, 1], [2, 0, 2], [3, 0, 3], [4, 0, 4], [5, 0, 5], [6, 0, 6], [7, 1, 1]]);
    expect(state!.schedule.learningRate).toBe(0.01);
    expect(state!.optimizer).toBe(c.optimizer);
    // Adam's slots exist and belong to the stage: 2 per trained weight plus the step counters.
    expect((await state!.optimizer.optimizer.getWeights()).length).toBeGreaterThan(0);
    expect(state!.order).toEqual({ seed: 11, shuffle: true, count: 96 });
  });

  it('reaches the seeded Math.random through the state, and replaying its position replays the dropout masks', async () => {
    const masks = async (restore?: number) =>
      withSeededMathRandom(9, async () => {
        const c = config({ epochs: 1 });
        const state = createStageState(c);
        if (restore !== undefined) state.random!.setState(restore);
        const start = state.random!.getState();
        const { points } = await (async () => {
          const points: number[] = [];
          await trainStage(c, { metrics: async (p) => void points.push(...p.filter((q) => q.key.endsWith('/train/loss')).map((q) => q.value)) }, state);
          return { points };
        })();
        return { start, points };
      });
    const first = await masks();
    const shifted = await masks(first.start + 12345);
    const replayed = await masks(first.start);
    expect(replayed.points).toEqual(first.points);
    expect(shifted.points).not.toEqual(first.points);
  });

  it('trains on what transformBatch returns, and runs the teacher on that very batch instead of its cached outputs', async () => {
    const teacher = model(40);
    const tapped = tapModel(teacher, [], 'teacher');
    const train = data(48, 3);
    const cached = await computeTeacherOutputs(modelPredictor(tapped), train, layout, [], 'test');
    const seen: { student: number[][]; teacher: number[][] }[] = [];
    const probe: LossTerm = {
      name: 'probe',
      plugin: 'test',
      weight: 1,
      teachers: ['t'],
      loss: {
        requires: { teacherLogits: true },
        compute: (inputs: LossInputs) => {
          seen.push({ student: inputs.studentLogits.arraySync() as number[][], teacher: inputs.teacherLogits!.arraySync() as number[][] });
          return inputs.studentLogits.sub(inputs.teacherLogits!).square().mean() as tf.Scalar;
        },
      },
    };
    const teachers = [{ name: 't', layers: [], train: cached, agreementKey: 'agreement', predict: modelPredictor(tapped) }];
    const flipped: number[][][] = [];
    await trainStage(config({ train, terms: [probe], teachers, epochs: 1 }), {
      metrics: async () => {},
      transformBatch: (batch) => {
        const x = batch.x.neg();
        flipped.push(x.arraySync() as number[][]);
        return { ...batch, x, labels: batch.labels.clone(), labelMask: batch.labelMask.clone(), sampleIds: batch.sampleIds.clone() };
      },
    });
    expect(seen).toHaveLength(3);
    // The teacher's logits are its predictions on the transformed inputs, not its cached ones.
    const expected = tf.tidy(() => (teacher.model.predict(tf.tensor(flipped[0])) as tf.Tensor).arraySync() as number[][]);
    seen[0].teacher.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
  });

  it('gives each term its teachers by name, the first as teacherLogits, and stable sample ids', async () => {
    const train = data(32, 4);
    const [a, b] = [model(50), model(60)];
    const outputs = async (m: typeof a) => computeTeacherOutputs(modelPredictor(tapModel(m, ['hidden1'], 'teacher')), train, layout, ['hidden1'], 'test');
    const teachers = [
      { name: 'a', layers: ['hidden1'], train: await outputs(a), agreementKey: 'agreement/a' },
      { name: 'b', layers: ['hidden1'], train: await outputs(b), agreementKey: 'agreement/b' },
    ];
    const got: { names: string[]; first: number; ids: number[]; feature: number[] }[] = [];
    const term = (names: string[]): LossTerm => ({
      name: names.join('+'),
      plugin: 'test',
      weight: 1,
      teachers: names,
      loss: {
        requires: { teacherLogits: true, teacherLayers: ['hidden1'], sampleIds: true },
        compute: (inputs) => {
          got.push({ names: Object.keys(inputs.teachers), first: inputs.teacherLogits!.arraySync()[0][0], ids: [...inputs.sampleIds.dataSync()], feature: inputs.teacherFeatures.hidden1.shape });
          return inputs.studentLogits.square().mean() as tf.Scalar;
        },
      },
    });
    await trainStage(config({ train, validation: undefined, terms: [term(['b']), term(['a', 'b'])], teachers, epochs: 1, batchSize: 32, shuffle: false }), { metrics: async () => {} });
    const logitsOf = (m: typeof a) => (m.model.predict(tf.tensor(rows(32, 4).x, [32, 6])) as tf.Tensor).arraySync() as number[][];
    expect(got[0].names).toEqual(['b']);
    expect(got[0].first).toBeCloseTo(logitsOf(b)[0][0], 5);
    expect(got[1].names).toEqual(['a', 'b']);
    expect(got[1].first).toBeCloseTo(logitsOf(a)[0][0], 5);
    expect(got[1].ids).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(got[1].feature).toEqual([32, 8]);
  });

  it('keeps a conv layer\'s features 4-D for the loss (NHWC)', async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 3, name: 'logits' }).apply(tf.layers.flatten().apply(conv)) as tf.SymbolicTensor;
    const cnn = { model: tf.model({ inputs: input, outputs: logits }), layers: [], pretrained: false };
    const images = { x: Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 7) / 7), y: Int32Array.from({ length: 8 }, (_, i) => i % 3), count: 8 };
    const shapes: number[][] = [];
    const term: LossTerm = { name: 'map', plugin: 'test', weight: 1, teachers: [], loss: { requires: { studentLayers: ['conv1'] }, compute: (i) => (shapes.push(i.studentFeatures.conv1.shape), i.studentFeatures.conv1.square().mean() as tf.Scalar) } };
    await trainStage(config({ model: cnn, train: inMemorySource(images), validation: undefined, layout: { ...layout, inputShape: [4, 4, 1] }, terms: [term], epochs: 1, batchSize: 8 }), { metrics: async () => {} });
    expect(shapes).toEqual([[8, 4, 4, 2]]);
  });

  it('trains a multi-label sigmoid head on targets and reports label-wise validation accuracy', async () => {
    const random = seededRandom(8);
    const count = 120;
    const x = new Float32Array(count * 6);
    const targets = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < 3; c++) targets[i * 3 + c] = random.next() < 0.5 ? 1 : 0;
      for (let j = 0; j < 6; j++) x[i * 6 + j] = random.normal() * 0.5 + (targets[i * 3 + (j % 3)] ? 1.5 : -1.5);
    }
    const split = (from: number, to: number) => inMemorySource({ x: x.slice(from * 6, to * 6), y: new Int32Array(to - from), count: to - from, targets: targets.slice(from * 3, to * 3) });
    const { result } = await collect(config({ train: split(0, 90), validation: split(90, 120), layout: { ...layout, task: 'multilabel' }, terms: [multiLabelTerm], epochs: 6 }));
    expect(result.lastValidation.accuracy).toBeGreaterThan(0.9);
    expect(result.lastValidation.loss).toBeLessThan(0.4);
  });

  it('trains on int32 token ids (an embedding model) and evaluates them as such', async () => {
    const input = tf.input({ shape: [5], dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: 12, outputDim: 4, name: 'embedding', embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 2 }) }).apply(input);
    const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(embedded);
    const logits = tf.layers.dense({ units: 3, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tf.SymbolicTensor;
    const bag = { model: tf.model({ inputs: input, outputs: logits }), layers: [], pretrained: false };
    // A sample of class c holds tokens 4c … 4c+3: the class is readable from any token.
    const random = seededRandom(12);
    const tokens = (count: number) => {
      const y = Int32Array.from({ length: count }, () => random.int(3));
      const x = Int32Array.from({ length: count * 5 }, (_, i) => 4 * y[Math.floor(i / 5)] + random.int(4));
      return inMemorySource({ x, y, count });
    };
    const shapes: string[] = [];
    const term: LossTerm = { ...hardLabelTerm, loss: { ...hardLabelTerm.loss, compute: (i) => (shapes.push(i.studentFeatures.embedding.shape.join('x')), hardLabelTerm.loss.compute(i)) } };
    const { result } = await collect(config({ model: bag, train: tokens(96), validation: tokens(30), layout: { ...layout, inputShape: [5], inputDtype: 'int32' }, terms: [{ ...term, loss: { ...term.loss, requires: { labels: true, studentLayers: ['embedding'] } } }], epochs: 12 }));
    expect(shapes[0]).toBe('16x5x4');
    expect(result.lastValidation.accuracy).toBeGreaterThan(0.9);
  });
});

