#!/usr/bin/env node
// Every distillation method on the same MNIST setting, through distill's own runs: the examples under
// experiments/methods/ plus vanilla KD (their common KL + cross-entropy terms alone), each run with N seeds. The teacher
// and the baseline of a seed are trained once and reused by every method (`distill run --cache`). Prints a markdown
// table: test accuracy mean ± std over the seeds, the gain over the baseline (same student, hard labels only, same
// budget), agreement with the teacher, and the student stage's time per epoch.
//
//   npm run bench:methods -- [--seeds 3] [--quick] [--methods kd,dkd,crd] [--out table.md] [--cache-dir dir]
//
// --quick trains the student on 30% of the MNIST pool (validationFraction 0.7) for 2 epochs instead of the examples'
// 90% and 3 epochs (the teacher keeps its 3 epochs, on that 30%). Every run's metrics are also appended to
// results.jsonl in the work directory named on stderr.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seeds = Number(option('seeds', '3'));
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`--seeds must be a positive integer, got ${option('seeds')}`);
  process.exit(2);
}
const quick = args.includes('--quick');
const methodsDir = join(root, 'experiments/methods');
const work = mkdtempSync(join(tmpdir(), 'distill-bench-methods-'));
// --cache-dir reuses the teachers and baselines of an earlier benchmark (its work directory's cache/).
const cacheDir = option('cache-dir', join(work, 'cache'));
mkdirSync(cacheDir, { recursive: true });

/** Vanilla KD: the examples' KL + cross-entropy terms, read from the attention-transfer example without its own term. */
function kdManifest() {
  const manifest = JSON.parse(readFileSync(join(methodsDir, 'attention-transfer.json'), 'utf8'));
  manifest.name = 'kd';
  manifest.description = 'Vanilla KD (Hinton et al. 2015): KL at T=4 and the hard labels, the reference row of the method benchmark.';
  manifest.losses = manifest.losses.filter((loss) => loss.type === 'kl-divergence' || loss.type === 'cross-entropy');
  const file = join(work, 'kd.json');
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return file;
}

const all = [['kd', kdManifest()], ...readdirSync(methodsDir).filter((f) => f.endsWith('.json')).sort().map((f) => [f.replace(/\.json$/, ''), join(methodsDir, f)])];
const wanted = option('methods')?.split(',');
const methods = wanted ? all.filter(([name]) => wanted.includes(name)) : all;
const quickSets = quick ? ['dataset.params.validationFraction=0.7', 'training.epochs=2'] : [];

function run(manifest, seed) {
  const sets = [`seed=${seed}`, ...quickSets].flatMap((s) => ['--set', s]);
  const result = spawnSync(process.execPath, [join(root, 'cli/bin/distill.js'), 'run', manifest, '--cache', '--json', '--quiet', '--out', join(work, 'runs'), ...sets], {
    cwd: root,
    env: { ...process.env, DISTILL_CACHE_DIR: cacheDir },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`distill run ${manifest} (seed ${seed}) failed:\n${result.stderr}`);
  const summary = JSON.parse(result.stdout);
  return { ...summary.metrics, secondsPerEpoch: studentSecondsPerEpoch(join(work, 'runs', summary.runId), summary.stages.student) };
}

/** From the run's metrics log: the student stage's first to last step, scaled to all its steps, per epoch. */
function studentSecondsPerEpoch(runDir, stage) {
  const times = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((m) => m.key === 'student/train/loss')
    .map((m) => m.timestamp);
  if (times.length < 2) return NaN;
  const span = ((Math.max(...times) - Math.min(...times)) / (times.length - 1)) * stage.steps;
  return span / 1000 / stage.epochs;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => (xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) : 0);
const pct = (xs) => `${(100 * mean(xs)).toFixed(2)} ± ${(100 * std(xs)).toFixed(2)}`;
const points = (xs) => `${mean(xs) >= 0 ? '+' : ''}${(100 * mean(xs)).toFixed(2)} ± ${(100 * std(xs)).toFixed(2)}`;

const results = new Map(methods.map(([name]) => [name, []]));
console.error(`runs and results.jsonl in ${work}`);
const started = Date.now();
for (let seed = 1; seed <= seeds; seed++) {
  for (const [name, manifest] of methods) {
    const metrics = run(manifest, seed);
    results.get(name).push(metrics);
    appendFileSync(join(work, 'results.jsonl'), `${JSON.stringify({ method: name, seed, ...metrics })}\n`);
    console.error(`seed ${seed} ${name}: accuracy ${(100 * metrics['student/test/accuracy']).toFixed(2)}%, gain ${(100 * metrics['distillation/gain']).toFixed(2)} points`);
  }
}

const first = [...results.values()][0];
const lines = [
  `| method | test accuracy % (mean ± std) | gain over baseline, points | agreement with teacher % | time per epoch (s) |`,
  `|---|---|---|---|---|`,
  `| teacher (ResNet-8) | ${pct(first.map((m) => m['teacher/test/accuracy']))} | | | |`,
  `| baseline (hard labels only) | ${pct(first.map((m) => m['baseline/test/accuracy']))} | | ${pct(first.map((m) => m['baseline/test/agreement']))} | |`,
  ...[...results].map(
    ([name, runs]) =>
      `| ${name} | ${pct(runs.map((m) => m['student/test/accuracy']))} | ${points(runs.map((m) => m['distillation/gain']))} | ${pct(runs.map((m) => m['student/test/agreement']))} | ${mean(runs.map((m) => m.secondsPerEpoch)).toFixed(1)} |`,
  ),
];
const table = `${lines.join('\n')}\n\n${seeds} seed${seeds > 1 ? 's' : ''}${quick ? ', --quick' : ''}; ${((Date.now() - started) / 60000).toFixed(1)} minutes.\n`;
const out = option('out');
if (out) writeFileSync(out, table);
process.stdout.write(table);
