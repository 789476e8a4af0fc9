// Turns an error that escaped a command into output and an exit code. User mistakes never print a stack trace.
import { isUserError } from '../errors.js';
import { redact } from '../secrets/redact.js';

export function reportFailure(error: unknown, debug: boolean): number {
  if (isUserError(error)) {
    process.stderr.write(`${redact(error.message)}\n`);
    if (debug && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${redact(message)}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
  else process.stderr.write('(run with --debug for a stack trace)\n');
  return 1;
}
