// A backend that was asked for by name but cannot start (its package is installed but does not load, or its
// backend does not initialise). The message says which package and what to do; as with a user mistake no stack trace
// is printed, but the exit code is 1: the input is fine, the installation is not.
import { UserError } from '../errors.js';

export class BackendStartError extends UserError {
  override readonly exitCode: number = 1;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.name = 'BackendStartError';
  }
}
