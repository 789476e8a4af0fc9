#!/usr/bin/env node
// A CNN training step on the wasm backend (with distill's training kernels) against the same step on tfjs's cpu
// backend, side by side in one run (after a build: it imports core/dist and plugins/dist). Batch 64 of 28×28×1:
//   teacher    one training step of the mnist-cnn example's teacher (resnet depth 8, width 0.5): cross-entropy, Adam
//   student    one distillation step of its student (cnn [4, 16], batch norm): the teacher's forward pass (inference)
//              plus the student's forward/backward on KL(T=4)·T² + cross-entropy + feature MSE (student conv2 against
//              teacher block2), Adam
//   resnet-14  the same distillation step with a resnet depth 14, width 1 teacher and a cnn [8, 32] student (conv2 and
//              block2 both 14×14×32)
// Rounds interleave the backends so load changes on a shared machine hit both alike; times are medians over rounds
// and each ratio is the median of the per-round ratios. cpu steps are slow (seconds), so a round takes 1 of them.
// Usage: node scripts/bench-cnn-step.mjs [--rounds N] [--steps N]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { buildPlugin, initBackend } from '@distill/core';
import { builtinPlugins } from '@distill/plugins';
import { median } from './median.mjs';

const { values: options } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, steps: { type: 'string', default: '5' } } });
const ROUNDS = Number(options.rounds);
const WASM_STEPS = Number(options.steps);
const CPU_STEPS = 1;
const BATCH = 64;
const CLASSES = 10;
const TEMPERATURE = 4;

const plugin = (name) => builtinPlugins.find((p) => p.kind === 'model' && p.name === name);
const dataset = { inputShape: [784], numClasses: CLASSES };
const build = async (name, params, role) => (await buildPlugin(plugin(name), params, { dataset, role, seed: 1 })).model;

const WORKLOADS = {
  teacher: { teacher: ['resnet', { depth: 8, width: 0.5 }], train: 'teacher' },
  student: { teacher: ['resnet', { depth: 8, width: 0.5 }], student: ['cnn', { filters: [4, 16], batchNorm: true, dense: 0 }], train: 'student' },
  'resnet-14': { teacher: ['resnet', { depth: 14, width: 1 }], student: ['cnn', { filters: [8, 32], batchNorm: true, dense: 0 }], train: 'student' },
};

/** Models, optimizer and one batch, built on the current backend; step() runs one training step and waits for it. */
async function setUp(workload) {
  const teacher = await build(...workload.teacher, 'teacher');
  const student = workload.student && (await build(...workload.student, 'student'));
  const x = tf.randomUniform([BATCH, 784], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % CLASSES), 'int32'), CLASSES);
  const optimizer = tf.train.adam(1e-3);
  const trained = workload.train === 'teacher' ? teacher : student;
  const variables = trained.trainableWeights.map((w) => w.read());
  const tapped = (model, layer) => tf.model({ inputs: model.inputs, outputs: [model.outputs[0], model.getLayer(layer).output] });
  const teacherTapped = student && tapped(teacher, 'block2');
  const studentTapped = student && tapped(student, 'conv2');
  const loss = (teacherLogits, teacherFeatures) => () => {
    if (!student) return tf.losses.softmaxCrossEntropy(y, teacher.apply(x, { training: true }));
    const [logits, features] = studentTapped.apply(x, { training: true });
    const p = tf.softmax(teacherLogits.div(TEMPERATURE));
    const kl = p.mul(tf.log(p).sub(tf.logSoftmax(logits.div(TEMPERATURE)))).sum(-1).mean().mul(TEMPERATURE ** 2);
    const feature = tf.losses.meanSquaredError(teacherFeatures, features);
    return kl.mul(0.9).add(tf.losses.softmaxCrossEntropy(y, logits).mul(0.1)).add(feature.mul(0.05));
  };
  return {
    step() {
      const teacherOutputs = student ? teacherTapped.predict(x) : [];
      const value = optimizer.minimize(loss(...teacherOutputs), true, variables);
      value.dataSync();
      tf.dispose([value, ...teacherOutputs]);
    },
    dispose() {
      tf.dispose([x, y]);
      optimizer.dispose();
      teacher.dispose();
      student?.dispose();
    },
  };
}

async function timeSteps(backend, workload, steps) {
  await initBackend(backend);
  const run = await setUp(workload);
  run.step(); // warm-up: kernels set up, weights packed
  const start = performance.now();
  for (let i = 0; i < steps; i++) run.step();
  const ms = (performance.now() - start) / steps;
  run.dispose();
  return ms;
}

const results = Object.fromEntries(Object.keys(WORKLOADS).map((name) => [name, { wasm: [], cpu: [], ratio: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, workload] of Object.entries(WORKLOADS)) {
    const wasm = await timeSteps('wasm', workload, WASM_STEPS);
    const cpu = await timeSteps('cpu', workload, CPU_STEPS);
    results[name].wasm.push(wasm);
    results[name].cpu.push(cpu);
    results[name].ratio.push(cpu / wasm);
    process.stderr.write(`round ${round + 1}/${ROUNDS} ${name}: wasm ${wasm.toFixed(0)} ms, cpu ${cpu.toFixed(0)} ms\n`);
  }
}

console.log(`\nCNN training step, batch ${BATCH} of 28×28×1, median of ${ROUNDS} rounds (ms per step)`);
console.log('| step | wasm (distill kernels) | cpu | cpu / wasm |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${median(r.wasm).toFixed(0)} | ${median(r.cpu).toFixed(0)} | ${median(r.ratio).toFixed(1)}× |`);
}
