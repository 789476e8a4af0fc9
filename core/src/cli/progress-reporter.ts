// Training progress: a live bar (stage, epoch, step, loss, ETA) on a terminal; plain periodic lines otherwise.
import cliProgress from 'cli-progress';
import type { StepProgress } from '../training/train-stage.js';
import type { RunLog } from '../run/run-logger.js';
import type { ProgressReporter } from '../run/progress.js';
import { formatDuration } from './format-duration.js';

export function createProgressReporter(log: RunLog, interactive = Boolean(process.stderr.isTTY)): ProgressReporter {
  return interactive ? new BarProgress(log) : new LineProgress(log);
}

class BarProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | undefined;
  private stage = '';

  constructor(private readonly log: RunLog) {}

  step(p: StepProgress): void {
    if (this.stage !== p.stage || !this.bar) {
      this.stageEnd();
      this.stage = p.stage;
      this.bar = new cliProgress.SingleBar(
        {
          format: `${p.stage.padEnd(8)} {bar} {percentage}% | epoch {epoch}/{epochs} | step {value}/{total} | loss {loss} | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.totalSteps, 0, { epoch: 1, epochs: p.epochs, loss: '-' });
      this.log.setInterrupter((write) => {
        process.stderr.write('\r\x1b[K');
        write();
        this.bar?.render();
      });
    }
    this.bar.update(p.step + 1, { epoch: p.epoch + 1, epochs: p.epochs, loss: p.loss.toFixed(4) });
  }

  stageEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.log.setInterrupter(undefined);
  }
}

class LineProgress implements ProgressReporter {
  private lastPrint = 0;
  private stageStart = 0;
  private stage = '';

  constructor(
    private readonly log: RunLog,
    private readonly everyMs = 10_000,
  ) {}

  step(p: StepProgress): void {
    const now = Date.now();
    if (p.stage !== this.stage) {
      this.stage = p.stage;
      this.stageStart = now;
      this.lastPrint = now;
    }
    const stageDone = p.step === p.totalSteps - 1;
    const epochDone = p.stepInEpoch === p.stepsPerEpoch - 1 && now - this.lastPrint >= this.everyMs / 5;
    if (!stageDone && !epochDone && now - this.lastPrint < this.everyMs) return;
    this.lastPrint = now;
    const done = p.step + 1;
    const eta = ((now - this.stageStart) / done) * (p.totalSteps - done);
    this.log.console(
      `${p.stage} epoch ${p.epoch + 1}/${p.epochs} step ${done}/${p.totalSteps} loss ${p.loss.toFixed(4)} eta ${formatDuration(eta)}`,
    );
  }

  stageEnd(): void {
    this.stage = '';
  }
}
