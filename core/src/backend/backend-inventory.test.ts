// `distill backends`' report against stand-in native packages (in a child process: a stand-in registers a backend
// globally), and the self-test's comparison. The real installation is covered end to end in test/cli-backends.test.ts.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { BackendsReport } from './backend-inventory.js';
import { maxRelativeDifference, SELF_TEST_TOLERANCE } from './backend-self-test.js';
import { coreSource, LOAD_FAILURE, PATH_WITHOUT_NVIDIA_SMI, runInChild, STAND_IN_VERSION, standInProject } from '../../../test/support/stand-in-backends.js';

const require = createRequire(import.meta.url);
const packageVersion = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

async function reportInChild(packages: Parameters<typeof standInProject>[0]): Promise<BackendsReport> {
  const script = `
const { inspectBackends } = await import(${JSON.stringify(coreSource('backend/backend-inventory.ts'))});
report(await inspectBackends({ packagesFrom: ${JSON.stringify(standInProject(packages))} }));`;
  return (await runInChild<BackendsReport>(script, { PATH: PATH_WITHOUT_NVIDIA_SMI })).value;
}

const byName = (report: BackendsReport) => Object.fromEntries(report.backends.map((backend) => [backend.name, backend]));

describe('inspectBackends', () => {
  it('lists every backend with its version, what auto picks, and self-tests each installed one against cpu', async () => {
    const report = await reportInChild({ '@tensorflow/tfjs-node': 'working' });
    const backends = byName(report);

    expect(report.backends.map((backend) => backend.name)).toEqual(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']);
    expect(report).toMatchObject({ tfjs: packageVersion('@tensorflow/tfjs'), node: process.versions.node, gpu: { usable: false, detail: 'nvidia-smi not found' }, ok: true });
    expect(report.auto).toEqual({ name: 'tensorflow', reason: 'auto: @tensorflow/tfjs-node-gpu not installed; using @tensorflow/tfjs-node (installed)' });
    expect(backends.wasm).toMatchObject({ packageName: '@tensorflow/tfjs-backend-wasm', version: packageVersion('@tensorflow/tfjs-backend-wasm'), simd: true, threads: 1 });
    expect(backends.cpu).toMatchObject({ version: packageVersion('@tensorflow/tfjs-backend-cpu'), selfTest: { ok: true, maxRelativeDifference: null, error: null } });
    expect(backends.tensorflow).toMatchObject({ packageName: '@tensorflow/tfjs-node', version: STAND_IN_VERSION, simd: null, threads: availableParallelism() });
    // ^ libtensorflow's intra-op pool: every core unless the manifest or a sweep says fewer.
    // The stand-in runs cpu's own kernels: exactly cpu's values. wasm's differ by float32 rounding only.
    expect(backends.tensorflow.selfTest).toMatchObject({ ok: true, maxRelativeDifference: 0, error: null });
    expect(backends.wasm.selfTest).toMatchObject({ ok: true, error: null });
    expect(backends.wasm.selfTest!.maxRelativeDifference).toBeGreaterThan(0);
    expect(backends.wasm.selfTest!.maxRelativeDifference).toBeLessThanOrEqual(SELF_TEST_TOLERANCE);
    for (const name of ['wasm', 'cpu', 'tensorflow']) expect(backends[name].selfTest!.ms, name).toBeGreaterThan(0);
    expect(backends['tensorflow-gpu']).toEqual({ name: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu', version: null, simd: null, threads: null, selfTest: null });
  });

  it('fails the self-test of an installed package that does not load, with the reason, and auto falls back', async () => {
    const report = await reportInChild({ '@tensorflow/tfjs-node': 'fails-to-load' });
    const why = `@tensorflow/tfjs-node ${STAND_IN_VERSION} is installed but failed to load: ${LOAD_FAILURE}`;
    expect(report.ok).toBe(false);
    expect(report.auto.name).toBe('wasm');
    expect(report.auto.reason).toContain(why);
    expect(byName(report).tensorflow.selfTest).toEqual({ ok: false, ms: null, maxRelativeDifference: null, error: `backend "tensorflow": ${why}; reinstall it with \`npm install @tensorflow/tfjs-node@${packageVersion('@tensorflow/tfjs')}\`, or choose another backend (\`--set backend=auto\` falls back to wasm)` });
  });

  it('fails the self-test of a backend whose values differ from cpu', async () => {
    const report = await reportInChild({ '@tensorflow/tfjs-node': 'miscomputes' });
    const selfTest = byName(report).tensorflow.selfTest!;
    expect(report.ok).toBe(false);
    expect(selfTest.ok).toBe(false);
    // Products 0.1% too large: at least 1e-3·|x| / max(1, |x|) = 1e-3 where |x| ≥ 1 (the losses drift further).
    expect(selfTest.maxRelativeDifference).toBeGreaterThanOrEqual(0.999e-3);
    expect(selfTest.error).toBe(`values differ from cpu's by up to ${selfTest.maxRelativeDifference!.toPrecision(3)} (relative), more than 0.0001`);
  });
});

describe('maxRelativeDifference', () => {
  it('measures |a − b| relative to |b|, absolute below 1', () => {
    expect(maxRelativeDifference([10.01, 0.5], [10, 0.5])).toBeCloseTo(1e-3, 10);
    expect(maxRelativeDifference([1e-3], [0])).toBeCloseTo(1e-3, 12);
    expect(maxRelativeDifference([1, 2], [1, 2])).toBe(0);
  });

  it('is Infinity for a NaN or a different length', () => {
    expect(maxRelativeDifference([Number.NaN, 1], [1, 1])).toBe(Infinity);
    expect(maxRelativeDifference([1, 1], [1, Number.NaN])).toBe(Infinity);
    expect(maxRelativeDifference([1], [1, 2])).toBe(Infinity);
  });
});
