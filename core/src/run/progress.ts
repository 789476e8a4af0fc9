// What a run tells whoever shows its progress (the CLI's bars and lines, a sweep's trial process): a step done, a
// stage over. The run only emits; rendering lives with the caller.
import type { StepProgress } from '../training/train-stage.js';

export interface ProgressReporter {
  step(progress: StepProgress): void;
  stageEnd(): void;
}

/** Shows nothing (quiet runs, embedders that do not care). */
export const silentProgress: ProgressReporter = { step: () => undefined, stageEnd: () => undefined };
