// Commands load only what they use: --version, --help, `plugins` and `schema` never import TensorFlow.js or the plugin
// code (the built-in plugins are listed from their catalog), yet print what the full plugin host would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distillBin, repoRoot } from './support/cli.js';

const forbidTfjs = join(repoRoot, 'test/fixtures/hooks/forbid-tfjs.mjs');

function distill(args: string[], nodeOptions: string[] = []) {
  return spawnSync(process.execPath, [...nodeOptions, distillBin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
}

describe('distill start-up', () => {
  it('the import guard itself stops a command that loads TensorFlow.js', () => {
    const result = distill(['validate', 'experiments/quickstart.json'], ['--import', forbidTfjs]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/forbidden import of (@tensorflow\/|.*plugins\/dist\/index\.js)/);
  });

  it.each([['--version'], ['--help'], ['plugins', '--json'], ['schema'], ['schema', '--kind', 'loss', '--type', 'kl-divergence']])(
    'distill %s runs without loading TensorFlow.js or the plugins, and prints what the full host prints',
    (...args) => {
      const light = distill(args, ['--import', forbidTfjs]);
      expect(light.stderr).toBe('');
      expect(light.status).toBe(0);
      // The same command with the plugins really loaded (a manifest makes it build the host).
      const full = args[0].startsWith('-') ? distill(args) : distill([...args, '--manifest', 'experiments/quickstart.json']);
      expect(light.stdout).toBe(full.stdout);
      expect(light.stdout.length).toBeGreaterThan(5);
    },
  );
});
