// What every stage of a run shares: where metrics go, progress, interrupts and early-stop hooks.
import type { StageHooks, StepProgress } from '../../training/train-stage.js';
import type { RunRecorder } from '../../tracking/run-recorder.js';
import type { ProgressReporter } from '../progress.js';
import { RunInterruptedError } from '../../training/run-interrupted-error.js';

export function stageHooks(
  recorder: RunRecorder,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
  onEpochEnd?: StageHooks['onEpochEnd'],
): StageHooks {
  return {
    metrics: (points) => recorder.metrics(points),
    onStep: (p: StepProgress) => progress.step(p),
    onEpochEnd: async (stage, epoch, metrics) => {
      progress.epochEnd?.(stage, epoch, metrics);
      return onEpochEnd?.(stage, epoch, metrics);
    },
    checkpoint: () => {
      if (signal?.aborted) throw new RunInterruptedError(String(signal.reason ?? 'SIGINT'));
    },
  };
}
