// Training steps are synchronous tensor work; without a macrotask turn now and then, signal handlers (Ctrl-C) and
// trackers' network I/O would wait until the run ends.
import { setImmediate as immediate } from 'node:timers/promises';

export function eventLoopYielder(everyMs = 25): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    await immediate();
  };
}
