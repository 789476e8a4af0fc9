// The distill CLI: one commander program. Every command is listed (for help and did-you-mean); only the one being
// run is loaded (cli/commands.ts), each from its own file.
import { Command, CommanderError } from 'commander';
import { distillVersion } from '../version.js';
import { reportFailure } from './report-failure.js';
import { COMMANDS } from './commands.js';
import { guardConsole } from '../secrets/console-guard.js';
import { registerEnvironmentSecrets } from '../secrets/environment-secrets.js';
import { registerUriSecrets } from '../secrets/redact.js';

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('distill')
    .description('Declarative knowledge-distillation experiments on TensorFlow.js')
    .version(distillVersion(), '-V, --version')
    .option('--debug', 'print stack traces for every error')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = commandName(argv);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = program.command(name).description(entry.description).aliases([...(entry.aliases ?? [])]);
    if (name === wanted) (await entry.load()).register(command);
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a run failed, 2 invalid input. */
export async function main(argv: readonly string[]): Promise<number> {
  // Secrets in the environment or in flags (a URI's userinfo) are masked in everything this process prints or writes.
  registerEnvironmentSecrets(process.env);
  for (const arg of argv) registerUriSecrets(arg);
  guardConsole();
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(error, argv.includes('--debug'));
  }
}

/** The command argv names (`distill run x.json` → run; `distill help run` → run), if any. */
function commandName(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return Object.entries(COMMANDS).find(([name, entry]) => name === first || entry.aliases?.includes(first ?? ''))?.[0];
}
