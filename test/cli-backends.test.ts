// `distill backends` / `distill doctor` end to end through the real CLI, on whatever this checkout has installed: the
// expectations are read from node_modules directly, so the test holds with and without @tensorflow/tfjs-node.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { expectedAutoBackend, installedVersion } from './support/installed-backends.js';

const PACKAGES = [
  ['wasm', '@tensorflow/tfjs-backend-wasm'],
  ['cpu', '@tensorflow/tfjs-backend-cpu'],
  ['tensorflow', '@tensorflow/tfjs-node'],
  ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
] as const;

const installed = PACKAGES.map(([name, packageName]) => ({ name, packageName, version: installedVersion(packageName) }));
const tfjsVersion = installedVersion('@tensorflow/tfjs')!;

interface Report {
  tfjs: string;
  cores: number;
  auto: { name: string; reason: string };
  backends: { name: string; packageName: string; version: string | null; simd: boolean | null; threads: number | null; selfTest: { ok: boolean; ms: number; maxRelativeDifference: number | null; error: string | null } | null }[];
  ok: boolean;
}

describe('distill backends', () => {
  it('--json: versions as installed, what auto picks, wasm SIMD and threads, a passing self-test of each installed backend', async () => {
    const result = await runCli(['backends', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;

    expect(report).toMatchObject({ tfjs: tfjsVersion, cores: availableParallelism(), ok: true });
    expect(report.backends.map(({ name, packageName, version }) => ({ name, packageName, version }))).toEqual(installed);
    expect(report.auto.name).toBe(expectedAutoBackend());
    expect(report.auto.reason).toMatch(/^auto: /);
    const wasm = report.backends[0];
    expect(wasm.simd).toBe(true);
    expect(wasm.threads).toBeGreaterThanOrEqual(1);
    expect(wasm.threads).toBeLessThanOrEqual(availableParallelism());
    for (const backend of report.backends.filter((b) => b.version !== null)) {
      expect(backend.selfTest, backend.name).toMatchObject({ ok: true, error: null });
      expect(backend.selfTest!.ms, backend.name).toBeGreaterThan(0);
      expect(backend.selfTest!.maxRelativeDifference ?? 0, backend.name).toBeLessThanOrEqual(1e-4);
    }
    expect(report.backends.filter((b) => b.version === null).map((b) => b.selfTest)).toEqual(installed.filter((b) => b.version === null).map(() => null));
  });

  it('doctor (the alias) prints the same as text: a line per backend, the auto choice and a self-test line per installed one', async () => {
    const result = await runCli(['doctor']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^TensorFlow\\.js ${tfjsVersion.replaceAll('.', '\\.')}, Node ${process.versions.node.replaceAll('.', '\\.')}, \\d+ cores?, GPU: `));
    for (const { name, packageName, version } of installed) {
      const line = lines.find((l) => l.startsWith(`${name} `));
      expect(line, name).toContain(packageName);
      expect(line, name).toContain(version ?? `not installed (npm install ${packageName}@${tfjsVersion})`);
    }
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^auto picks ${expectedAutoBackend()}: \\S`)));
    const selfTests = lines.slice(lines.findIndex((l) => l.startsWith('self-test (')) + 1).filter((l) => l.trim() !== '');
    expect(selfTests.map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual(installed.filter((b) => b.version !== null).map((b) => [b.name, 'ok']));
  });
});
