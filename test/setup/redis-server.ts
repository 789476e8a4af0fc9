// A real Redis server for the queue-sweep tests: Debian's redis-server (installed with apt-get when missing, as root),
// started on a free loopback port with its own temporary directory (no persistence unless asked), and stopped again.
// Tests that restart Redis start their own instance, with persistence.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './mlflow-server.js';

const REDIS_SERVER = '/usr/bin/redis-server';

/** Finds redis-server, installing Debian's package when it is missing (needs root and the apt sources). */
export function ensureRedisServer(log: (line: string) => void = () => undefined): string {
  const onPath = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  if (existsSync(REDIS_SERVER)) return REDIS_SERVER;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  log('redis-server is missing: installing Debian\'s redis-server with apt-get (once)');
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'redis-server']]) {
    const command = [...sudo, ...args];
    const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.error || result.status !== 0) {
      throw new Error(
        `the queue tests need redis-server and could not install it (${command.join(' ')} failed${root ? '' : '; not root and sudo -n refused'}): ` +
          `install it yourself (Debian/Ubuntu: apt-get install redis-server), then rerun.\n${result.error?.message ?? ''}${result.stderr.split('\n').slice(-8).join('\n')}`,
      );
    }
  }
  if (!existsSync(REDIS_SERVER)) throw new Error(`apt-get installed redis-server but ${REDIS_SERVER} is not there`);
  return REDIS_SERVER;
}

export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly binary: string,
    readonly dataDir: string,
    readonly port: number,
    /** Append-only file on: what was in Redis survives stop() and start(). */
    readonly persist: boolean,
    /** More redis-server options (`--requirepass`, `--user`, `--tls-port`, …). */
    readonly args: readonly string[],
  ) {}

  static async start(options: { port?: number; dataDir?: string; persist?: boolean; args?: readonly string[] } = {}): Promise<RedisServer> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'distill-redis-'));
    const server = new RedisServer(ensureRedisServer(), dataDir, options.port ?? (await freePort()), options.persist ?? false, options.args ?? []);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dataDir, '--save', '', ...(this.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']), '--logfile', join(this.dataDir, 'redis.log'), '--daemonize', 'no', ...this.args];
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 20_000;
    while (!(await answersPing(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`redis-server did not start on port ${this.port}:\n${this.logTail()}`);
      }
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }

  logTail(lines = 20): string {
    const file = join(this.dataDir, 'redis.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no redis.log)';
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      // A server that wants a password answers NOAUTH: it is up.
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
