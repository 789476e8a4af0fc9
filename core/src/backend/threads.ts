// How many CPU threads a backend may use: the manifest's `threads` (or `--threads`), by default all cores, never more
// than the cores (clamped, with a warning), and within a sweep never more than the sweep's share per trial
// (DISTILL_THREADS_LIMIT, set in each trial process: the cores divided between the trials running at once, so that
// concurrent trials do not oversubscribe the machine).
import { availableParallelism } from 'node:os';

/** Set by a sweep in each trial process: the cores divided by the trials running at once. */
export const THREADS_LIMIT_ENV = 'DISTILL_THREADS_LIMIT';

export interface ThreadsChoice {
  readonly threads: number;
  /** Why fewer threads than asked for, when so. */
  readonly warning?: string;
}

export function resolveThreads(requested: number | undefined, cores = availableParallelism(), env: NodeJS.ProcessEnv = process.env): ThreadsChoice {
  const limitText = env[THREADS_LIMIT_ENV];
  const limit = limitText !== undefined && /^[1-9]\d*$/.test(limitText) ? Math.min(Number(limitText), cores) : undefined;
  const available = limit ?? cores;
  if (requested === undefined) return { threads: available };
  if (requested <= available) return { threads: requested };
  const why = limit !== undefined && limit < cores
    ? `the sweep gives each of its concurrent trials ${limit} of this machine's ${cores} cores`
    : `this machine has ${cores} cores`;
  return { threads: available, warning: `threads: ${requested} asked for, but ${why}; using ${available}` };
}

/** Sweeps: the share of the cores each of `concurrency` trials at once gets (at least 1). */
export const threadsPerTrial = (concurrency: number, cores = availableParallelism()) => Math.max(1, Math.floor(cores / concurrency));
