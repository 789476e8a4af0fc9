// Errors that are the user's to fix: printed as one clear message (no stack trace) with exit code 2.

export class UserError extends Error {
  /** 2: invalid input (manifest, flags, files); 1: a run that failed. */
  readonly exitCode: number = 2;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(options?.hint ? `${message}\n  hint: ${options.hint}` : message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && typeof (error as UserError).exitCode === 'number' && 'exitCode' in error;
}
