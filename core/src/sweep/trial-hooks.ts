// How a trial's process talks back while it runs: step progress (throttled) and per-epoch reports that may stop it.
import type { ProgressReporter } from '../run/progress.js';
import type { StepProgress } from '../training/train-stage.js';
import type { TrialObserver } from './trial-executor.js';

export interface TrialHooks extends TrialObserver {
  /** Aborted on Ctrl-C (or when the sweep goes away): the run ends KILLED at its next step. */
  readonly signal: AbortSignal;
  /** Teacher preparation only: see TeacherObserver.claimed. */
  claimed?(): void;
  /** Which job of its process this is (1 for a fresh process): logged, so a run shows what ran before it there. */
  readonly job?: number;
}

/** A progress reporter that forwards a step at most every `everyMs`, and always an epoch's last step. */
export function forwardSteps(hooks: TrialObserver, everyMs = 500): ProgressReporter {
  let last = 0;
  return {
    step(p: StepProgress) {
      const now = Date.now();
      const epochDone = p.stepInEpoch === p.stepsPerEpoch - 1 || p.step === p.totalSteps - 1;
      if (!epochDone && now - last < everyMs) return;
      last = now;
      hooks.progress?.({ stage: p.stage, epoch: p.epoch, epochs: p.epochs, step: p.step + 1, totalSteps: p.totalSteps });
    },
    stageEnd() {},
  };
}
