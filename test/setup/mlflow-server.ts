// A real MLflow tracking server for the tests: MLflow from PyPI in a project-local virtualenv (`.venv-mlflow/`,
// pinned, reused when it already holds that version), started on a free loopback port with a sqlite store and a
// temporary artifacts directory, and stopped again. Fault tests start a second instance they control themselves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, closeSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest MLflow that installs and starts with Python 3.11 here (3.18.0 is on PyPI without its mlflow-skinny). */
export const MLFLOW_VERSION = '3.17.2';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VENV_DIR = join(REPO_ROOT, '.venv-mlflow');
const VERSION_MARKER = join(VENV_DIR, 'distill-mlflow-version');

export interface MlflowVenv {
  readonly python: string;
  readonly mlflow: string;
  /** Seconds spent installing; 0 when the virtualenv was reused. */
  readonly installSeconds: number;
}

/** Creates `.venv-mlflow/` with the pinned MLflow, or reuses it when it already has that version. */
export function ensureMlflowVenv(log: (line: string) => void = () => undefined): MlflowVenv {
  const python = join(VENV_DIR, 'bin', 'python');
  const mlflow = join(VENV_DIR, 'bin', 'mlflow');
  if (existsSync(mlflow) && existsSync(VERSION_MARKER) && readFileSync(VERSION_MARKER, 'utf8').trim() === MLFLOW_VERSION) {
    return { python, mlflow, installSeconds: 0 };
  }
  const started = Date.now();
  const python3 = findPython3();
  log(`installing mlflow==${MLFLOW_VERSION} from PyPI into ${VENV_DIR} (about a minute, once)`);
  rmSync(VENV_DIR, { recursive: true, force: true });
  run(python3, ['-m', 'venv', VENV_DIR], 'python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)');
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `mlflow==${MLFLOW_VERSION}`],
    `pip could not install mlflow==${MLFLOW_VERSION} into ${VENV_DIR} (is PyPI reachable? is pip available: apt-get install python3-pip?)`);
  writeFileSync(VERSION_MARKER, `${MLFLOW_VERSION}\n`);
  const installSeconds = (Date.now() - started) / 1000;
  log(`mlflow ${MLFLOW_VERSION} installed in ${installSeconds.toFixed(0)} s`);
  return { python, mlflow, installSeconds };
}

function findPython3(): string {
  const probe = spawnSync('python3', ['-c', 'import sys, venv, ensurepip; print(sys.version_info[:2] >= (3, 10))'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error('python3 was not found on PATH: the MLflow tests need Python >= 3.10 with venv and pip (Debian: apt-get install python3 python3-venv python3-pip)');
  }
  if (probe.status !== 0) {
    throw new Error(`python3 lacks the venv/ensurepip modules needed for the MLflow tests (Debian: apt-get install python3-venv python3-pip):\n${probe.stderr}`);
  }
  if (probe.stdout.trim() !== 'True') throw new Error('the MLflow tests need python3 >= 3.10');
  return 'python3';
}

function run(command: string, args: string[], failure: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    throw new Error(`${failure}\n${result.error?.message ?? ''}${result.stderr.split('\n').slice(-15).join('\n')}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface MlflowServerOptions {
  /** Holds `mlflow.db`, `artifacts/` and `server.log`; a new temporary directory when omitted. */
  readonly dataDir?: string;
  readonly port?: number;
}

/** One `mlflow server` process group; `stop()` and `start()` again serve the same store on the same port. */
export class MlflowServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly venv: MlflowVenv,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(options: MlflowServerOptions = {}): Promise<MlflowServer> {
    const venv = ensureMlflowVenv();
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'distill-mlflow-'));
    mkdirSync(dataDir, { recursive: true });
    const server = new MlflowServer(venv, dataDir, options.port ?? (await freePort()));
    await server.start();
    return server;
  }

  get uri(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const logFd = openSync(join(this.dataDir, 'server.log'), 'a');
    const args = ['server', '--backend-store-uri', `sqlite:///${join(this.dataDir, 'mlflow.db')}`,
      '--artifacts-destination', join(this.dataDir, 'artifacts'), '--host', '127.0.0.1', '--port', String(this.port), '--workers', '1'];
    // detached: the server forks workers; its own process group lets stop() end all of them and nothing else.
    const child = spawn(this.venv.mlflow, args, {
      cwd: this.dataDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      // The job runner (a pool of huey workers) is not needed for tracking and would compete for the 2 cores.
      env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    });
    closeSync(logFd);
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`mlflow server exited with code ${code} before it was healthy:\n${this.logTail()}`))));
    exited.catch(() => undefined);
    try {
      await Promise.race([this.waitHealthy(120_000), exited]);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
    killGroup(child.pid, 'SIGKILL'); // workers that outlived their parent
    await this.waitPortClosed(10_000);
  }

  logTail(lines = 30): string {
    const file = join(this.dataDir, 'server.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no server.log)';
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.uri}/health`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`mlflow server on ${this.uri} not healthy after ${timeoutMs / 1000} s:\n${this.logTail()}`);
  }

  private async waitPortClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        await fetch(`${this.uri}/health`, { signal: AbortSignal.timeout(500) });
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
