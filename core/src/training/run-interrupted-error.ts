// The user interrupted the run (Ctrl-C, SIGTERM): it ends as KILLED at the next step, everything recorded so far kept.
export class RunInterruptedError extends Error {
  readonly exitCode = 130;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'RunInterruptedError';
  }
}
