#!/usr/bin/env node
// `npm run bench`: throughput of knowledge-distillation training steps (after a build: it imports core/dist and
// plugins/dist), all in one run, so the ratios compare measurements taken side by side:
//   MLP KD step: teacher MLP 784-1200-1200-10, student MLP 784-800-800-10, batch 128; the teacher's forward pass
//     (inference) plus the student's forward/backward on KL(T=4)·T² + cross-entropy, and an Adam update.
//       (a)  distill's trainer (trainStage, teacher outputs precomputed the way it does it), fused optimizer update
//       (a0) the same trainer with tfjs's own optimizer ops (the fused update switched off: the trainer before it)
//       (b)  a minimal hand-written tfjs loop doing the same math with tf.train.adam
//       (c)  (b) on stock tfjs-backend-wasm, without distill's matmul transpose fix (wasm only, with --stock)
//   CNN KD step: ResNet-14 (width 1) teacher → CNN (8, 32 filters, batch normalization) student, 28×28×1, batch 64;
//     the teacher's forward pass plus the student's forward/backward on KL·T² + cross-entropy + feature MSE, Adam
//     (distill's adam plugin), with the fused update and with tfjs's ops.
// Then, in child processes (a backend's thread count is fixed when it loads): the tensorflow backend with 1 thread
// and with every core when @tensorflow/tfjs-node is installed, and PyTorch (scripts/bench_kd_step_torch.py) when
// `python3 -c "import torch"` works. Last, a per-kernel profile (tf.profile) of one step of each on this backend.
// Short rounds interleave the variants so load changes on a shared machine hit all alike; times are medians over
// rounds and each ratio is the median of the per-round ratios (paired, so a busy round does not tilt it).
// Usage: npm run bench [-- --backend wasm|cpu|tensorflow|auto] [--rounds N] [--threads N] [--stock] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, installWasmMatMulFix, setFusedOptimizerUpdates, uninstallWasmMatMulFix } from '@distill/core/backend';
import { median } from './median.mjs';

const { values: options } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    stock: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(options.rounds);
const BATCH = 128;
const TEMPERATURE = 4;
const CLASSES = 10;
const INPUTS = 784;
const STEPS = { a: 8, b: 8, c: 3, cnn: 3 }; // per round; a (c) step takes ~4× as long, a CNN step ~5×
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


// ---- CNN KD step ----

const CNN_BATCH = 64;

/** ResNet-14 teacher, CNN student, one batch; step() runs one KD step with distill's adam plugin and waits for it. */
async function setUpCnn() {
  const core = await import('@distill/core');
  const { builtinPlugins } = await import('@distill/plugins');
  const plugin = (kind, name) => builtinPlugins.find((p) => p.kind === kind && p.name === name);
  const dataset = { inputShape: [784], numClasses: CLASSES };
  const build = async (name, params, role) => (await core.buildPlugin(plugin('model', name), params, { dataset, role, seed: 1 })).model;
  const teacher = await build('resnet', { depth: 14, width: 1 }, 'teacher');
  const student = await build('cnn', { filters: [8, 32], batchNorm: true, dense: 0 }, 'student');
  const optimizer = (await core.buildPlugin(plugin('optimizer', 'adam'), { learningRate: LEARNING_RATE })).optimizer;
  const x = tf.randomUniform([CNN_BATCH, 784], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: CNN_BATCH }, (_, i) => (i * 7) % CLASSES), 'int32'), CLASSES);
  const tapped = (model, layer) => tf.model({ inputs: model.inputs, outputs: [model.outputs[0], model.getLayer(layer).output] });
  const teacherTapped = tapped(teacher, 'block2');
  const studentTapped = tapped(student, 'conv2');
  const variables = student.trainableWeights.map((w) => w.read());
  const loss = (teacherLogits, teacherFeatures) => () => {
    const [logits, features] = studentTapped.apply(x, { training: true });
    const p = tf.softmax(teacherLogits.div(TEMPERATURE));
    const kl = p.mul(tf.log(p).sub(tf.logSoftmax(logits.div(TEMPERATURE)))).sum(-1).mean().mul(TEMPERATURE ** 2);
    const feature = tf.losses.meanSquaredError(teacherFeatures, features);
    return kl.mul(0.9).add(tf.losses.softmaxCrossEntropy(y, logits).mul(0.1)).add(feature.mul(0.05));
  };
  return () => {
    const teacherOutputs = teacherTapped.predict(x);
    const value = optimizer.minimize(loss(...teacherOutputs), true, variables);
    value.dataSync();
    tf.dispose([value, ...teacherOutputs]);
  };
}

/** ms per step of `steps` steps. */
function timeSteps(step, steps) {
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (performance.now() - start) / steps;
}

/**
 * The same step with the fused optimizer update and with tfjs's ops, alternating step by step (the order flipping
 * every pair), so that load changes hit both alike: per-step times of each.
 */
function pairedSingleSteps(step, pairs) {
  const fused = [];
  const ops = [];
  for (let i = 0; i < pairs; i++) {
    for (const on of i % 2 === 0 ? [true, false] : [false, true]) {
      setFusedOptimizerUpdates(on);
      (on ? fused : ops).push(timeSteps(step, 1));
    }
  }
  setFusedOptimizerUpdates(true);
  return { fused, ops };
}

/** The kernels of one step by total time (tf.profile), the top `count`. */
async function kernelProfile(step, count = 8) {
  const info = await tf.profile(() => step());
  const byName = new Map();
  // tf.profile also lists an op's wrapper (name__op) around the kernels it runs: count the kernels only.
  for (const kernel of info.kernels.filter((k) => !k.name.endsWith('__op'))) {
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    const entry = byName.get(kernel.name) ?? { ms: 0, calls: 0 };
    byName.set(kernel.name, { ms: entry.ms + ms, calls: entry.calls + 1 });
  }
  const total = [...byName.values()].reduce((sum, e) => sum + e.ms, 0);
  const top = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, count);
  return { total, kernels: [...byName.values()].reduce((sum, e) => sum + e.calls, 0), top };
}

// ---- other backends and PyTorch, in child processes ----

const SELF = fileURLToPath(import.meta.url);
const TORCH_SCRIPT = fileURLToPath(new URL('./bench_kd_step_torch.py', import.meta.url));

function nativeInstalled() {
  try {
    execFileSync(process.execPath, ['-e', "import('@tensorflow/tfjs-node').then(() => process.exit(0), () => process.exit(1))"], { stdio: 'ignore', cwd: fileURLToPath(new URL('../core/', import.meta.url)) });
    return true;
  } catch {
    return false;
  }
}

function torchAvailable() {
  return spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** Runs this benchmark in a child on another backend / thread count; returns its JSON, or the reason it failed. */
function childRun(args) {
  const result = spawnSync(process.execPath, [SELF, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) return `failed: ${(result.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

function torchRun(threads) {
  const result = spawnSync('python3', [TORCH_SCRIPT, '--threads', String(threads), '--rounds', String(ROUNDS)], { encoding: 'utf8' });
  if (result.status !== 0) return `failed: ${(result.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

// ---- main ----

async function main() {
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  const backend = await initBackend(options.backend, threads === undefined ? {} : { threads });
  const log = options.json ? () => {} : console.log;
  log(`backend: ${backend.name} ${backend.packageName}@${backend.version}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'} — ${backend.reason}`);
  for (const warning of backend.warnings ?? []) log(`warning: ${warning}`);
  log(`MLP KD step: teacher 784-1200-1200-10, student 784-800-800-10, batch ${BATCH}, KL(T=${TEMPERATURE})·T² + cross-entropy, Adam`);
  log(`CNN KD step: ResNet-14 teacher, CNN (8, 32) student with batch norm, 28×28×1, batch ${CNN_BATCH}, KL·T² + cross-entropy + feature MSE, Adam`);
  log(`${ROUNDS} rounds of (a) ${STEPS.a}, (a0) ${STEPS.a}, (b) ${STEPS.b}${options.stock ? `, (c) ${STEPS.c}` : ''} MLP steps and ${STEPS.cnn} + ${STEPS.cnn} CNN steps, after warm-up\n`);

  const teacher = mlp([INPUTS, 1200, 1200, CLASSES], 100);
  const studentB = mlp([INPUTS, 800, 800, CLASSES], 200);
  const studentA = mlp([INPUTS, 800, 800, CLASSES], 200);
  const pool = batchPool(makeData(8, 1));
  const stepB = handWrittenStep(teacher, studentB, tf.train.adam(LEARNING_RATE));
  const onWasm = backend.name === 'wasm';
  const runA = await measureDistillTrainer(teacher, studentA);
  const hasA = typeof runA === 'function';
  const cnnStep = await setUpCnn();
  const core = await import('@distill/core');
  const { builtinPlugins } = await import('@distill/plugins');
  const adam = builtinPlugins.find((p) => p.kind === 'optimizer' && p.name === 'adam');
  // The hand-written loop with distill's adam plugin: switching the fused update on and off is the only difference.
  const pluginAdam = (await core.buildPlugin(adam, { learningRate: LEARNING_RATE })).optimizer;
  const stepPlugin = handWrittenStep(teacher, mlp([INPUTS, 800, 800, CLASSES], 300), pluginAdam);
  const mlpStep = () => stepPlugin(pool[0].x, pool[0].oneHot);

  const stock = (run) => {
    uninstallWasmMatMulFix();
    try {
      return run();
    } finally {
      installWasmMatMulFix();
    }
  };
  const withoutFused = async (run) => {
    setFusedOptimizerUpdates(false);
    try {
      return await run();
    } finally {
      setFusedOptimizerUpdates(true);
    }
  };

  // Warm-up: tfjs compiles kernels, XNNPACK packs weights, Adam creates its slots.
  timeHandWritten(stepB, pool, WARMUP_STEPS);
  if (onWasm && options.stock) stock(() => timeHandWritten(stepB, pool, WARMUP_STEPS));
  if (hasA) {
    await runA(WARMUP_STEPS);
    await withoutFused(() => runA(WARMUP_STEPS));
  }
  cnnStep();
  await withoutFused(() => cnnStep());
  mlpStep();
  await withoutFused(() => mlpStep());

  const rates = { a: [], a0: [], b: [], c: [] };
  const cnn = { fused: [], stock: [] };
  const mlpPairs = { fused: [], ops: [] };
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    if (hasA) {
      rates.a.push(await runA(STEPS.a));
      rates.a0.push(await withoutFused(() => runA(STEPS.a)));
    }
    rates.b.push(timeHandWritten(stepB, pool, STEPS.b));
    if (onWasm && options.stock) rates.c.push(stock(() => timeHandWritten(stepB, pool, STEPS.c)));
    const mlpRound = pairedSingleSteps(mlpStep, STEPS.b);
    mlpPairs.fused.push(...mlpRound.fused);
    mlpPairs.ops.push(...mlpRound.ops);
    const cnnRound = pairedSingleSteps(cnnStep, STEPS.cnn);
    cnn.fused.push(...cnnRound.fused);
    cnn.stock.push(...cnnRound.ops);
    process.stderr.write(`  ${backend.name}${threads ? ` ${threads} thread(s)` : ''}: round ${round + 1}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const ms = (rate) => (1000 * BATCH) / rate;
  const pairedRatio = (top, bottom) => median(top.map((value, round) => value / bottom[round]));
  const summary = {
    backend: backend.name,
    threads: backend.threads,
    mlp: {
      a: rates.a.length ? ms(median(rates.a)) : null,
      a0: rates.a0.length ? ms(median(rates.a0)) : null,
      b: ms(median(rates.b)),
      c: rates.c.length ? ms(median(rates.c)) : null,
      fusedSpeedup: rates.a.length ? pairedRatio(rates.a, rates.a0) : null,
      pairedFused: median(mlpPairs.fused),
      pairedOps: median(mlpPairs.ops),
      pairedSpeedup: pairedRatio(mlpPairs.ops, mlpPairs.fused),
      trainerOverHand: rates.a.length ? pairedRatio(rates.a, rates.b) : null,
    },
    cnn: { fused: median(cnn.fused), stock: median(cnn.stock), fusedSpeedup: pairedRatio(cnn.stock, cnn.fused) },
  };
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (options.json) {
    console.log(JSON.stringify(summary));
    return;
  }

  const row = (label, values) => {
    if (values.length === 0) return `${label.padEnd(52)} ${'n/a'.padStart(10)}`;
    const rate = median(values);
    const spread = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    return `${label.padEnd(52)} ${rate.toFixed(0).padStart(10)} ${ms(rate).toFixed(1).padStart(9)} ${spread.padStart(13)}`;
  };
  console.log(`${'MLP KD training step'.padEnd(52)} ${'samples/s'.padStart(10)} ${'ms/step'.padStart(9)} ${'range'.padStart(13)}`);
  console.log(row("(a) distill's trainer, fused optimizer update", rates.a));
  console.log(row("(a0) distill's trainer, tfjs's optimizer ops", rates.a0));
  console.log(row('(b) hand-written tfjs loop (tf.train.adam)', rates.b));
  if (options.stock) console.log(row('(c) hand-written loop, stock wasm (no fix)', rates.c));
  console.log('');
  if (hasA) {
    console.log(`fused update, trainer: (a0) time / (a) time = ${summary.mlp.fusedSpeedup.toFixed(2)}× (median of ${rates.a.length} paired rounds)`);
    console.log(`(a)/(b) = ${summary.mlp.trainerOverHand.toFixed(2)} (throughput; ≥ 1: the trainer is at least as fast as the hand-written loop)`);
  } else {
    console.log(`(a): n/a — distill's trainer ${runA}`);
  }
  console.log(`fused update, hand-written loop with the adam plugin, alternating single steps: fused ${summary.mlp.pairedFused.toFixed(0)} ms, tfjs's ops ${summary.mlp.pairedOps.toFixed(0)} ms; tfjs ops time / fused time = ${summary.mlp.pairedSpeedup.toFixed(2)}× (median of ${mlpPairs.fused.length} pairs)`);
  if (onWasm && options.stock) console.log(`fixed/stock wasm = (b)/(c) = ${pairedRatio(rates.b, rates.c).toFixed(2)}`);
  console.log('');
  console.log(`CNN KD step, alternating single steps (ms/step, median): fused optimizer update ${summary.cnn.fused.toFixed(0)}, tfjs's optimizer ops ${summary.cnn.stock.toFixed(0)}; tfjs ops time / fused time = ${summary.cnn.fusedSpeedup.toFixed(2)}× (median of ${cnn.fused.length} pairs)`);
  if (leaked !== 0) console.log(`note: ${leaked} tensors more after the timed rounds than before`);

  // Other backends, thread counts and PyTorch, each in its own process.
  const cores = availableParallelism();
  const threadCounts = cores > 1 ? [1, cores] : [1];
  const rows = [[`${backend.name} (this process)`, backend.threads, summary]];
  if (onWasm) console.log(`\nthreads: the wasm backend computes on 1 thread in Node (tfjs runs its threaded build only in browsers), so it has one row`);
  if (nativeInstalled()) {
    for (const n of threadCounts) rows.push([`tensorflow (tfjs-node)`, n, childRun(['--backend', 'tensorflow', '--threads', String(n), '--rounds', String(ROUNDS)])]);
  } else {
    console.log('tensorflow: @tensorflow/tfjs-node not installed (npm run setup:native), no native rows');
  }
  const torch = torchAvailable();
  const torchRows = torch ? threadCounts.map((n) => [n, torchRun(n)]) : [];
  console.log(`\n| backend | threads | MLP step (a) ms | MLP (a0) ms | MLP hand loop (b) ms | CNN step ms (fused) | CNN ms (tfjs ops) |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const f = (v) => (typeof v === 'number' ? v.toFixed(0) : 'n/a');
  for (const [name, n, r] of rows) {
    if (typeof r === 'string') console.log(`| ${name} | ${n} | ${r} | | | | |`);
    else console.log(`| ${name} | ${r.threads ?? n} | ${f(r.mlp.a)} | ${f(r.mlp.a0)} | ${f(r.mlp.b)} | ${f(r.cnn.fused)} | ${f(r.cnn.stock)} |`);
  }
  for (const [n, r] of torchRows) {
    if (typeof r === 'string') console.log(`| PyTorch | ${n} | ${r} | | | | |`);
    else console.log(`| PyTorch ${r.version} | ${n} | | | ${f(r.mlp)} | ${f(r.cnn)} | |`);
  }
  if (!torch) console.log('PyTorch: `python3 -c "import torch"` fails here, no PyTorch column');
  else {
    const best = Math.min(...torchRows.filter(([, r]) => typeof r !== 'string').map(([, r]) => r.cnn));
    console.log(`CNN step on ${backend.name} / best PyTorch CNN step = ${(summary.cnn.fused / best).toFixed(2)}×`);
  }

  // The optimizer updates alone, on the MLP student's 1.3 M weights: fused against tfjs's ops, interleaved.
  {
    const student = mlp([INPUTS, 800, 800, CLASSES], 400);
    const variables = student.trainableWeights.map((w) => w.read());
    const grads = variables.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(v.shape, 0, 1e-3, 'float32', i) }));
    const count = variables.reduce((n, v) => n + v.size, 0);
    console.log(`\noptimizer update of ${(count / 1e6).toFixed(2)} M weights (${variables.length} variables) on ${backend.name}, ${5 * ROUNDS} paired rounds of 5:`);
    const optimizers = [
      ['adam', 'adam', { learningRate: LEARNING_RATE }],
      ['sgd, momentum 0.9', 'sgd', { learningRate: 0.01, momentum: 0.9 }],
      ['rmsprop', 'rmsprop', { learningRate: LEARNING_RATE }],
    ];
    for (const [label, name, params] of optimizers) {
      const plugin = builtinPlugins.find((p) => p.kind === 'optimizer' && p.name === name);
      const update = (await core.buildPlugin(plugin, params)).optimizer;
      const apply = () => {
        update.applyGradients(grads);
        variables[0].dataSync();
      };
      apply();
      await withoutFused(() => apply());
      const fused = [];
      const ops = [];
      for (let round = 0; round < 5 * ROUNDS; round++) {
        fused.push(timeSteps(apply, 5));
        ops.push(await withoutFused(() => timeSteps(apply, 5)));
      }
      console.log(`  ${label.padEnd(18)} fused ${median(fused).toFixed(1).padStart(6)} ms, tfjs's ops ${median(ops).toFixed(1).padStart(6)} ms; tfjs ops time / fused time = ${pairedRatio(ops, fused).toFixed(1)}×`);
      update.dispose();
    }
    tf.dispose(grads.map((g) => g.tensor));
    student.dispose();
  }

  // Where the time goes: one step of each, per kernel, on this backend.
  for (const [label, step] of [['MLP KD step (hand-written loop, adam plugin, fused update)', mlpStep], ['CNN KD step (adam plugin, fused update)', cnnStep]]) {
    const profile = await kernelProfile(step);
    console.log(`\nkernel profile, one ${label} on ${backend.name}: ${profile.kernels} kernels, ${profile.total.toFixed(1)} ms in kernels`);
    for (const [name, e] of profile.top) console.log(`  ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(7)} ms  ${String(e.calls).padStart(4)} calls`);
  }
}

await main();
