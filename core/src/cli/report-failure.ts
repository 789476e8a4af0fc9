// Turns an error that escaped a command into output and an exit code. User mistakes never print a stack trace.
import { isUserError } from '../errors.js';

export function reportFailure(error: unknown, debug: boolean): number {
  if (isUserError(error)) {
    process.stderr.write(`${error.message}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('(run with --debug for a stack trace)\n');
  return 1;
}
