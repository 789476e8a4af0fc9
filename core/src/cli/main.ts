// The distill CLI: one commander program; each command lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { distillVersion } from '../version.js';
import { reportFailure } from './report-failure.js';
import { registerRunCommand } from './run-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerSchemaCommand } from './schema-command.js';
import { registerPluginsCommand } from './plugins-command.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerSyncCommand } from './sync-command.js';
import { registerRunsCommand } from './runs-command.js';
import { registerInitCommand } from './init-command.js';
import { registerWorkerCommand } from './worker-command.js';
import { registerBackendsCommand } from './backends-command.js';

export function buildProgram(): Command {
  const program = new Command('distill')
    .description('Declarative knowledge-distillation experiments on TensorFlow.js')
    .version(distillVersion(), '-V, --version')
    .option('--debug', 'print stack traces for every error')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidateCommand(program);
  registerRunCommand(program);
  registerSchemaCommand(program);
  registerPluginsCommand(program);
  registerSweepCommand(program);
  registerSyncCommand(program);
  registerRunsCommand(program);
  registerInitCommand(program);
  registerWorkerCommand(program);
  registerBackendsCommand(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a run failed, 2 invalid input. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(error, argv.includes('--debug'));
  }
}
