// A real `distill worker` process for the queue tests: its stderr collected, with a way to wait for a line; every
// worker a test started is killed after it (`killWorkers` in afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distillBin, repoRoot } from './cli.js';

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly out: string;
  readonly cache: string;
  log(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export interface WorkerOptions {
  /** Extra flags after `--queue … --concurrency 1 --out …`. */
  readonly extra?: readonly string[];
  /** Its `--out` (default: a fresh temporary directory). */
  readonly out?: string;
  /** Its teacher cache (default: a fresh temporary directory). */
  readonly cache?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const workers: WorkerProcess[] = [];

export function killWorkers(): void {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
}

export function startWorker(queue: string, options: WorkerOptions = {}): WorkerProcess {
  const out = options.out ?? mkdtempSync(join(tmpdir(), 'worker-runs-'));
  const cache = options.cache ?? mkdtempSync(join(tmpdir(), 'worker-cache-'));
  const child = spawn(process.execPath, [distillBin, 'worker', '--queue', queue, '--concurrency', '1', '--out', out, ...(options.extra ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, FORCE_COLOR: '0', DISTILL_CACHE_DIR: cache, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    listeners.forEach((listener) => listener());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker: WorkerProcess = {
    child,
    out,
    cache,
    log: () => stderr,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker never logged ${pattern}:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
  workers.push(worker);
  return worker;
}
