// What a run tells whoever shows its progress (the CLI's bars and lines, a sweep's trial process): a step done, a
// stage over. The run only emits; rendering lives with the caller.
import type { StageName, StepProgress } from '../training/train-stage.js';

export interface ProgressReporter {
  step(progress: StepProgress): void;
  /** After an epoch's validation (`metrics` is empty for an epoch without one). */
  epochEnd?(stage: StageName, epoch: number, metrics: Readonly<Record<string, number>>): void;
  stageEnd(): void;
}

/** Shows nothing (quiet runs, embedders that do not care). */
export const silentProgress: ProgressReporter = { step: () => undefined, stageEnd: () => undefined };
