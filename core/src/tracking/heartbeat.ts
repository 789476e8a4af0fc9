// A run in progress says it is alive: `process.json` names its process (pid, host) and `heartbeat` is rewritten every
// few seconds. `distill runs` tells a run whose process is gone (killed, out of memory, the machine rebooted) from one
// still training: the former is DIED, and can be resumed from its last checkpoint.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const PROCESS_FILE = 'process.json';
export const HEARTBEAT_FILE = 'heartbeat';
export const HEARTBEAT_INTERVAL_MS = 5000;
/** A heartbeat older than this means the process stopped, wherever it ran. */
export const HEARTBEAT_STALE_MS = 60_000;

export class Heartbeat {
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly runDir: string) {
    writeFileSync(join(runDir, PROCESS_FILE), `${JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() })}\n`);
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    try {
      writeFileSync(join(this.runDir, HEARTBEAT_FILE), `${new Date().toISOString()}\n`);
    } catch {
      // a run directory removed under a running run: nothing to tell
    }
  }
}

/** When the run's heartbeat was last written (ms since the epoch). */
export function lastHeartbeat(runDir: string): number | undefined {
  const beat = join(runDir, HEARTBEAT_FILE);
  return existsSync(beat) ? statSync(beat).mtimeMs : undefined;
}

/**
 * Whether the process of an unfinished run is gone: on this host, its pid no longer exists (or is not ours to
 * signal only when it exists); elsewhere, its heartbeat is stale. A run without `process.json` is never said dead.
 */
export function runProcessGone(runDir: string, now = Date.now()): boolean {
  const file = join(runDir, PROCESS_FILE);
  if (!existsSync(file)) return false;
  let info: { pid?: unknown; hostname?: unknown };
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as typeof info;
  } catch {
    return false;
  }
  const beat = join(runDir, HEARTBEAT_FILE);
  const stale = !existsSync(beat) || now - statSync(beat).mtimeMs > HEARTBEAT_STALE_MS;
  if (info.hostname !== hostname() || typeof info.pid !== 'number' || !Number.isInteger(info.pid) || info.pid <= 0) return stale;
  try {
    process.kill(info.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
