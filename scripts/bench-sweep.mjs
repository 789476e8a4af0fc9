#!/usr/bin/env node
// `npm run bench:sweep`: trials per hour of `distill sweep` on this machine at concurrency 1 and at 2, and the
// ratio (target ≥ 1.7× on 2 cores). The sweep is README's example, experiments/sweep-temperature.json: a 4×3 grid
// (temperature × KL/CE weights, 12 trials) on the quickstart setup (MNIST, 20 labels per digit, 784-256-10 teacher,
// 784-32-10 student, 6 epochs), run through the real, built CLI (run `npm run build` first). The shared teacher and
// the baseline are put in a fresh cache by a warm-up sweep first, so both measured sweeps find them there: they
// measure trials, not the one-off teacher training. A figure is the whole sweep's wall time, from spawning
// `distill sweep` to its exit (process start-up, the teacher-cache check, every trial, the ranking).
// The machine may be shared: for each sweep the script also reports the CPU time the sweep used (GNU time, when
// /usr/bin/time exists) and the CPU time everything else on the machine used meanwhile (/proc/stat, on Linux), so a
// figure taken while other work competed for the cores can be recognised.
// Usage: npm run bench:sweep [-- --rounds N]   Rounds run both concurrencies back to back (alternating which goes
// first); throughputs are medians over rounds and the ratio is the median of the per-round ratios (paired, so a
// round in which other work competed for the cores tilts both of its figures alike).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './median.mjs';

const { values: options } = parseArgs({ options: { rounds: { type: 'string', default: '1' } } });
const ROUNDS = Number(options.rounds);
const root = fileURLToPath(new URL('..', import.meta.url));
const distill = join(root, 'cli/bin/distill.js');
if (!existsSync(join(root, 'core/dist/cli/main.js'))) {
  console.error('core/dist is missing: run `npm run build` first');
  process.exit(1);
}

const manifest = join(root, 'experiments/sweep-temperature.json');
const work = mkdtempSync(join(tmpdir(), 'distill-bench-sweep-'));
const env = { ...process.env, DISTILL_CACHE_DIR: join(work, 'cache') };
delete env.MLFLOW_TRACKING_URI;

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat; undefined elsewhere. */
function machineBusySeconds() {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function sweep(concurrency, extra = []) {
  const out = join(work, `out-${concurrency}-${Date.now()}`);
  const cpuFile = join(work, `cpu-${Date.now()}`);
  const busyBefore = machineBusySeconds();
  const started = process.hrtime.bigint();
  const args = [distill, 'sweep', manifest, '--concurrency', String(concurrency), '--out', out, '--quiet', ...extra];
  const [command, commandArgs] = TIME ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`distill sweep --concurrency ${concurrency} exited with ${code}:\n${stderr}`));
      const record = JSON.parse(readFileSync(join(out, readdirSync(out)[0], 'sweep.json'), 'utf8'));
      const trials = record.trials.filter((t) => t.status === 'finished').length;
      if (trials !== record.trials.length) return reject(new Error(`not every trial finished: ${JSON.stringify(record.trials.map((t) => t.status))}`));
      const cpu = existsSync(cpuFile) ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) : undefined;
      const busy = busyBefore === undefined ? undefined : machineBusySeconds() - busyBefore;
      const others = cpu === undefined || busy === undefined ? undefined : Math.max(0, busy - cpu);
      resolve({ seconds, trials, trialSeconds: record.trials.map((t) => t.durationMs / 1000), teacher: record.teacher.status, cpu, others });
    });
  });
}

const fmt = (x, digits = 1) => x.toFixed(digits);

console.log(`distill sweep benchmark: experiments/sweep-temperature.json (12-trial grid); ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}`);
console.log('warm-up: training the shared teacher into a fresh cache (one trial)...');
const warm = await sweep(1, ['--set', 'sweep.runCap=1']);
console.log(`  teacher ${warm.teacher}, ${fmt(warm.seconds)} s`);

const results = { 1: [], 2: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const concurrency of round % 2 === 0 ? [1, 2] : [2, 1]) {
    const result = await sweep(concurrency);
    if (result.teacher !== 'reused') throw new Error(`expected the teacher from the cache, got "${result.teacher}"`);
    results[concurrency].push(result);
    const cpu = result.cpu === undefined ? '' : `; the sweep used ${fmt(result.cpu)} CPU s`;
    const others = result.others === undefined ? '' : `, other processes ${fmt(result.others)} CPU s (${fmt((100 * result.others) / (result.seconds * availableParallelism()), 0)}% of the machine)`;
    console.log(`  round ${round + 1}, concurrency ${concurrency}: ${result.trials} trials in ${fmt(result.seconds)} s (trials ${result.trialSeconds.map((s) => fmt(s)).join(', ')} s each${cpu}${others})`);
  }
}
const perHour = (r) => (r.trials * 3600) / r.seconds;
const one = median(results[1].map(perHour));
const two = median(results[2].map(perHour));
const ratios = results[1].map((r, i) => perHour(results[2][i]) / perHour(r));
console.log('');
console.log(`concurrency 1: ${fmt(one)} trials/hour`);
console.log(`concurrency 2: ${fmt(two)} trials/hour`);
console.log(`ratio: ${fmt(median(ratios), 2)}× (per round: ${ratios.map((r) => fmt(r, 2)).join(', ')}; target ≥ 1.7× on 2 cores)`);
rmSync(work, { recursive: true, force: true });
