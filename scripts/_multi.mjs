import { readFileSync } from 'node:fs';
const { runTrial } = await import('../core/dist/sweep/run-trial.js');
const manifest = JSON.parse(readFileSync('/tmp/bs/m.json', 'utf8')); delete manifest.sweep;
const hooks = { signal: new AbortController().signal, progress: () => {}, epoch: async () => 'continue' };
for (let i = 1; i <= Number(process.argv[2] ?? 4); i++) {
  console.log(`=== RUN ${i}`);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const o = await runTrial({ sweepId: 's', trial: i, runId: `r${Date.now()}-${i}`, manifest, manifestFile: '/tmp/bs/m.json', plugins: [], outDir: '/tmp/bs/multi', tags: {}, tracking: { manifestNamesTracker: false }, teacherCacheDir: '/tmp/bs/cache' }, hooks);
  const cpu = process.cpuUsage(cpu0);
  console.log(`=== END ${i} ${o.status} ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu`);
}
