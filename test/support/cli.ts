// Spawns the real, built `distill` binary (run `npm run build` first; `npm test` does) and collects its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distillBin = join(repoRoot, 'cli/bin/distill.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once the process is running, to signal or watch it. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Flags for node itself, before the binary (`--max-old-space-size=128`, `--import hook.mjs`). */
  readonly nodeArgs?: readonly string[];
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runNode([distillBin, ...args], options);
}

/** Runs this Node with the given arguments (a script and its arguments, or flags and `-e`) and collects its output. */
export function runNode(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** Writes a manifest into a fresh temporary directory and returns its path. */
export function writeManifest(manifest: unknown, name = 'manifest.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'distill-test-'));
  const file = join(dir, name);
  writeFileSync(file, typeof manifest === 'string' ? manifest : `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

/** A small, fast experiment on synthetic clusters: a few seconds on the wasm backend. */
export function smallExperiment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'small',
    description: 'synthetic clusters, for tests',
    seed: 3,
    dataset: { type: 'synthetic', params: { numFeatures: 12, numClasses: 4, samplesPerClass: 120, labelsPerClass: 10 } },
    teacher: { type: 'mlp', params: { hidden: [64] }, train: { epochs: 4, batchSize: 32 } },
    student: { type: 'mlp', params: { hidden: [8] } },
    losses: [
      { type: 'kl-divergence', params: { temperature: 4 }, weight: 0.9 },
      { type: 'cross-entropy', weight: 0.1 },
    ],
    optimizer: { type: 'adam', params: { learningRate: 0.01 } },
    training: { epochs: 3, batchSize: 32 },
    ...overrides,
  };
}
