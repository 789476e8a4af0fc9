// A real browser for the tests that load an exported student in one: Debian's chromium, installed with apt-get when
// missing (as root, like redis-server), run headless with a throwaway profile.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function ensureChromium(log: (line: string) => void = () => undefined): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  log("chromium is missing: installing Debian's chromium with apt-get (once)");
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']]) {
    const command = [...sudo, ...args];
    const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.error || result.status !== 0) {
      throw new Error(`the browser tests need chromium and could not install it (${command.join(' ')} failed): install it yourself (apt-get install chromium).\n${result.stderr?.split('\n').slice(-8).join('\n') ?? ''}`);
    }
  }
  const installed = CANDIDATES.find((path) => existsSync(path));
  if (!installed) throw new Error(`apt-get installed chromium but none of ${CANDIDATES.join(', ')} exists`);
  return installed;
}

/** Opens `url` in headless chromium; stop it with `kill()` once the page has reported back. */
export function openHeadless(binary: string, url: string): ChildProcess {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  return spawn(binary, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, url], { stdio: 'ignore' });
}
