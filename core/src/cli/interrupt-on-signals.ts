// Ctrl-C and SIGTERM end a run cleanly: the first signal aborts at the next step (status KILLED, everything flushed);
// a second one exits at once.
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function interruptOnSignals(onFirst: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    onFirst(signal);
    controller.abort(signal);
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
