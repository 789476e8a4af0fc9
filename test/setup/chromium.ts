// Debian's Chromium for the report tests (and fonts for its text): found at /usr/bin/chromium, or installed with apt-get
// when missing (as root, as Redis is). Playwright drives it (playwright-core, which downloads no browser of its own).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine without a network: no background connections (update checks, sync,
 * component downloads), which would otherwise be refused and show up as noise, and no sandbox (tests run as root).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Finds Debian's chromium, installing the package when it is missing (needs root, or sudo -n, and the apt sources). */
export function ensureChromium(log: (line: string) => void = () => undefined): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  log("chromium is missing: installing Debian's chromium with apt-get (once)");
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'chromium', 'fonts-liberation']]) {
    const command = [...sudo, ...args];
    const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.error || result.status !== 0) {
      throw new Error(
        `the report tests need chromium and could not install it (${command.join(' ')} failed${root ? '' : '; not root and sudo -n refused'}): ` +
          `install it yourself (Debian/Ubuntu: apt-get install chromium), then rerun.\n${result.error?.message ?? ''}${result.stderr.split('\n').slice(-8).join('\n')}`,
      );
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is not there`);
  return CHROMIUM;
}
