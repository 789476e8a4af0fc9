#!/usr/bin/env node
// `npm run bench`: throughput of one knowledge-distillation training step on the current backend (after a build:
// it imports core/dist). Teacher MLP 784-1200-1200-10, student MLP 784-800-800-10, batch 128; a step is the teacher's
// forward pass (inference) plus the student's forward/backward on KL(T=4)·T² + cross-entropy, and an Adam update.
//   (a) distill's own trainer (trainStage, teacher outputs precomputed the way it does it)
//   (b) a minimal hand-written tfjs loop doing the same math
//   (c) (b) on stock tfjs-backend-wasm, without distill's matmul transpose fix (wasm only)
// Targets: (a) ≥ 0.9 × (b); (b) ≥ 4 × (c). Short rounds interleave (a), (b), (c) so that load changes on a shared
// machine hit all three alike; throughputs are medians over rounds and each ratio is the median of the per-round
// ratios (paired, so a busy round does not tilt it). Warm-up steps are excluded.
// Usage: npm run bench [-- --backend auto|wasm|cpu|tensorflow|tensorflow-gpu] [--rounds N]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, installWasmMatMulFix, uninstallWasmMatMulFix } from '@distill/core/backend';
import { median } from './median.mjs';

const { values: options } = parseArgs({
  options: { backend: { type: 'string', default: 'auto' }, rounds: { type: 'string', default: '8' } },
});
const ROUNDS = Number(options.rounds);
const BATCH = 128;
const TEMPERATURE = 4;
const CLASSES = 10;
const INPUTS = 784;
const STEPS = { a: 12, b: 12, c: 3 }; // per round; a (c) step takes ~4× as long
const WARMUP_STEPS = 3;
const LEARNING_RATE = 1e-3;

function mlp(sizes, seed) {
  const model = tf.sequential();
  sizes.slice(1).forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: i < sizes.length - 2 ? 'relu' : 'linear',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        ...(i === 0 ? { inputShape: [sizes[0]] } : {}),
      }),
    );
  });
  return model;
}

/** A fixed pool of batches (uniform pixels, random labels): throughput does not depend on the data. */
function makeData(batches, seed) {
  const count = batches * BATCH;
  const x = tf.tidy(() => tf.randomUniform([count, INPUTS], 0, 1, 'float32', seed).dataSync());
  const y = Int32Array.from({ length: count }, (_, i) => (i * 7 + seed) % CLASSES);
  return { x, y, count };
}

/** (b): the KD step written directly against tfjs. */
function handWrittenStep(teacher, student, optimizer) {
  const variables = student.trainableWeights.map((weight) => weight.read());
  return (x, oneHot) => {
    const teacherLogProbs = tf.tidy(() => tf.logSoftmax(teacher.apply(x, { training: false }).div(TEMPERATURE)));
    const loss = optimizer.minimize(
      () => {
        const logits = student.apply(x, { training: true });
        const studentLogProbs = tf.logSoftmax(logits.div(TEMPERATURE));
        const kl = tf.exp(teacherLogProbs).mul(teacherLogProbs.sub(studentLogProbs)).sum().div(BATCH).mul(TEMPERATURE ** 2);
        const crossEntropy = oneHot.mul(tf.logSoftmax(logits)).sum().neg().div(BATCH);
        return kl.add(crossEntropy);
      },
      true,
      variables,
    );
    const value = loss.dataSync()[0]; // waits for the step to finish
    tf.dispose([loss, teacherLogProbs]);
    return value;
  };
}

/** Runs `steps` steps of a hand-written loop over the data pool; returns samples/s. */
function timeHandWritten(step, pool, steps) {
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const batch = pool[i % pool.length];
    step(batch.x, batch.oneHot);
  }
  return (steps * BATCH) / ((performance.now() - start) / 1000);
}

function batchPool(data) {
  return Array.from({ length: data.count / BATCH }, (_, i) => ({
    x: tf.tensor2d(data.x.subarray(i * BATCH * INPUTS, (i + 1) * BATCH * INPUTS), [BATCH, INPUTS]),
    oneHot: tf.oneHot(tf.tensor1d(data.y.subarray(i * BATCH, (i + 1) * BATCH), 'int32'), CLASSES).toFloat(),
  }));
}

/**
 * (a) distill's trainer on the same models, math and batch size. Returns `run(steps) => samples/s`, or a string
 * saying why it cannot run. Each run is one epoch of `trainStage` over steps × 128 samples, timed together with
 * `computeTeacherOutputs` on them: the trainer runs the frozen teacher once per stage instead of at every step, and
 * one epoch does the same teacher work as (b).
 */
async function measureDistillTrainer(teacher, student) {
  let core, plugins, training, teacherOutputs, tapped, data;
  try {
    core = await import('@distill/core');
    data = await import('../core/dist/data/in-memory-source.js');
    plugins = await import('@distill/plugins');
    training = await import('../core/dist/training/train-stage.js');
    teacherOutputs = await import('../core/dist/training/teacher-outputs.js');
    tapped = await import('../core/dist/training/tapped-model.js');
  } catch (error) {
    return `not wired: ${error.message.split('\n')[0]}`;
  }
  const host = core.PluginHost.create([plugins.default]);
  const context = { manifestDir: process.cwd(), seed: 1, pointer: '/bench' };
  const build = (kind, name, params) => host.registries[kind].build(name, params, context, host.container);
  const terms = [
    { name: 'kl-divergence', plugin: 'kl-divergence', weight: 1, teachers: ['teacher'], loss: await build('loss', 'kl-divergence', { temperature: TEMPERATURE, scaleByTemperatureSquared: true }) },
    { name: 'cross-entropy', plugin: 'cross-entropy', weight: 1, teachers: [], loss: await build('loss', 'cross-entropy', { labelSmoothing: 0 }) },
  ];
  const optimizer = await build('optimizer', 'adam', { learningRate: LEARNING_RATE, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const schedule = await build('scheduler', 'constant', {});
  const teacherModel = tapped.tapModel({ model: teacher, layers: [], pretrained: true }, [], 'teacher');
  const studentModel = { model: student, layers: [], pretrained: false };
  const noHooks = { metrics: async () => {} };
  const layout = { inputShape: [INPUTS], inputDtype: 'float32', numClasses: CLASSES, task: 'multiclass' };

  return async (steps) => {
    const train = data.inMemorySource(makeData(steps, steps));
    const start = performance.now();
    const teacherTrain = await teacherOutputs.computeTeacherOutputs(teacherOutputs.modelPredictor(teacherModel), train, layout, [], 'bench');
    const config = {
      stage: 'student', model: studentModel, terms, optimizer, schedule, train, layout,
      epochs: 1, batchSize: BATCH, shuffle: true, seed: 1, evalEvery: 1,
      teachers: [{ name: 'teacher', layers: [], train: teacherTrain, agreementKey: 'agreement' }],
    };
    const result = await training.trainStage(config, noHooks);
    const seconds = (performance.now() - start) / 1000;
    if (result.steps !== steps) throw new Error(`trainStage ran ${result.steps} steps, expected ${steps}`);
    return (steps * BATCH) / seconds;
  };
}


async function main() {
  const backend = await initBackend(options.backend);
  console.log(`backend: ${backend.name} ${backend.packageName}@${backend.version} — ${backend.reason}`);
  console.log(`teacher 784-1200-1200-10, student 784-800-800-10, batch ${BATCH}, KL(T=${TEMPERATURE})·T² + cross-entropy, Adam`);
  console.log(`${ROUNDS} rounds of (a) ${STEPS.a}, (b) ${STEPS.b}, (c) ${STEPS.c} steps each, after ${WARMUP_STEPS} warm-up steps\n`);

  const teacher = mlp([INPUTS, 1200, 1200, CLASSES], 100);
  const studentB = mlp([INPUTS, 800, 800, CLASSES], 200);
  const studentA = mlp([INPUTS, 800, 800, CLASSES], 200);
  const pool = batchPool(makeData(8, 1));
  const stepB = handWrittenStep(teacher, studentB, tf.train.adam(LEARNING_RATE));
  const onWasm = backend.name === 'wasm';
  const runA = await measureDistillTrainer(teacher, studentA);
  const hasA = typeof runA === 'function';

  const stock = (run) => {
    uninstallWasmMatMulFix();
    try {
      return run();
    } finally {
      installWasmMatMulFix();
    }
  };

  // Warm-up: tfjs compiles kernels, XNNPACK packs weights, Adam creates its slots.
  timeHandWritten(stepB, pool, WARMUP_STEPS);
  if (onWasm) stock(() => timeHandWritten(stepB, pool, WARMUP_STEPS));
  if (hasA) await runA(WARMUP_STEPS);

  const rates = { a: [], b: [], c: [] };
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    if (hasA) rates.a.push(await runA(STEPS.a));
    rates.b.push(timeHandWritten(stepB, pool, STEPS.b));
    if (onWasm) rates.c.push(stock(() => timeHandWritten(stepB, pool, STEPS.c)));
    process.stderr.write(`  round ${round + 1}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }

  const row = (label, values) => {
    if (values.length === 0) return `${label.padEnd(44)} ${'n/a'.padStart(10)}`;
    const rate = median(values);
    const spread = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    return `${label.padEnd(44)} ${rate.toFixed(0).padStart(10)} ${((1000 * BATCH) / rate).toFixed(1).padStart(9)} ${spread.padStart(13)}`;
  };
  console.log(`${'KD training step'.padEnd(44)} ${'samples/s'.padStart(10)} ${'ms/step'.padStart(9)} ${'range'.padStart(13)}`);
  console.log(row("(a) distill's trainer", rates.a));
  console.log(row('(b) hand-written tfjs loop', rates.b));
  console.log(row('(c) hand-written loop, stock wasm (no fix)', rates.c));
  console.log('');
  const pairedRatio = (top, bottom) => median(top.map((rate, round) => rate / bottom[round]));
  if (hasA) {
    const ratio = pairedRatio(rates.a, rates.b);
    console.log(`(a)/(b) = ${ratio.toFixed(2)}   target ≥ 0.9  ${ratio >= 0.9 ? 'met' : 'NOT met'}`);
  } else {
    console.log(`(a)/(b): n/a — distill's trainer ${runA}`);
  }
  if (onWasm) {
    const ratio = pairedRatio(rates.b, rates.c);
    console.log(`fixed/stock wasm = (b)/(c) = ${ratio.toFixed(2)}   target ≥ 4  ${ratio >= 4 ? 'met' : 'NOT met'}`);
  } else {
    console.log(`fixed/stock wasm: n/a on ${backend.name} (the transpose fix applies to wasm only)`);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.log(`note: ${leaked} tensors more after the timed rounds than before`);
}

await main();
