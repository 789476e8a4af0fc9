// `distill backends` is registered with every CLI start; registering it must not load tfjs (the report does, when the
// command runs). Checked in a fresh process, where the modules loaded so far can be listed. The command's output is
// tested end to end in test/cli-backends.test.ts.
import { describe, expect, it } from 'vitest';
import { coreSource, runInChild } from '../../../test/support/stand-in-backends.js';

interface Loaded {
  commands: [string, string[]][];
  tfjsFiles: number;
}

const loadedAfterImporting = (module: string) =>
  runInChild<Loaded>(`
import { createRequire } from 'node:module';
const { Command } = await import('commander');
const imported = await import(${JSON.stringify(coreSource(module))});
const program = new Command();
imported.registerBackendsCommand?.(program);
report({
  commands: program.commands.map((command) => [command.name(), command.aliases()]),
  tfjsFiles: Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/@tensorflow/')).length,
});`);

describe('registerBackendsCommand', () => {
  it('registers `backends` with the alias `doctor` without loading tfjs', async () => {
    const { value } = await loadedAfterImporting('cli/backends-command.ts');
    expect(value).toEqual({ commands: [['backends', ['doctor']]], tfjsFiles: 0 });
  });

  it('(the check sees tfjs when a module does load it)', async () => {
    const { value } = await loadedAfterImporting('backend/backend-inventory.ts');
    expect(value.tfjsFiles).toBeGreaterThan(0);
  });
});
