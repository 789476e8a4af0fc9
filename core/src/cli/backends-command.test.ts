// `distill backends` (alias `doctor`) is loaded when its name or alias is given; registering it must not load tfjs (the
// report does, when the command runs). Checked in a fresh process, where the modules loaded so far can be listed. The command's output is
// tested end to end in test/cli-backends.test.ts.
import { describe, expect, it } from 'vitest';
import { coreSource, runInChild } from '../../../test/support/stand-in-backends.js';

interface Loaded {
  command: [string, string[], string[]] | undefined;
  tfjsFiles: number;
}

const tfjsFilesLoaded = `Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/@tensorflow/')).length`;

describe('the backends command', () => {
  it('is registered as `backends` with the alias `doctor`, its options loaded by the alias, without loading tfjs', async () => {
    const { value } = await runInChild<Loaded>(`
import { createRequire } from 'node:module';
const { buildProgram } = await import(${JSON.stringify(coreSource('cli/main.ts'))});
const program = await buildProgram(['node', 'distill', 'doctor']);
const command = program.commands.find((c) => c.name() === 'backends');
report({ command: command && [command.name(), command.aliases(), command.options.map((o) => o.long)], tfjsFiles: ${tfjsFilesLoaded} });`);
    expect(value).toEqual({ command: ['backends', ['doctor'], ['--json']], tfjsFiles: 0 });
  });

  it('(the check sees tfjs when a module does load it)', async () => {
    const { value } = await runInChild<{ tfjsFiles: number }>(`
import { createRequire } from 'node:module';
await import(${JSON.stringify(coreSource('backend/backend-inventory.ts'))});
report({ tfjsFiles: ${tfjsFilesLoaded} });`);
    expect(value.tfjsFiles).toBeGreaterThan(0);
  });
});
