// Ctrl-C and SIGTERM, handled the same way by every long-running command: each interrupt takes the next step of the
// command's escalation (end cleanly at the next step, then harder), and one more than it has steps exits at once.
export interface Interrupt {
  /** Aborted by the first interrupt. */
  readonly signal: AbortSignal;
  dispose(): void;
}

/** `steps[0]` runs on the first SIGINT/SIGTERM, `steps[1]` on the second, …; the next one exits with 130. */
export function handleInterrupts(steps: readonly ((signal: NodeJS.Signals) => void)[]): Interrupt {
  const controller = new AbortController();
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    const step = steps[count++];
    if (!step) process.exit(130);
    if (!controller.signal.aborted) controller.abort(signal);
    step(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
