// Training progress: a live bar (stage, epoch, step, loss, ETA) on a terminal; plain periodic lines otherwise. Both
// print a line after each validated epoch: validation accuracy and agreement, each with the best so far.
import cliProgress from 'cli-progress';
import type { StageName, StepProgress } from '../training/train-stage.js';
import type { RunLog } from '../run/run-logger.js';
import type { ProgressReporter } from '../run/progress.js';
import { formatDuration } from './format-duration.js';

/** Stages with more epochs than this print every n-th epoch's line (and the last), so a long stage stays readable. */
export const MAX_EPOCH_LINES = 20;

/**
 * The per-epoch line: `student epoch 3/6: val accuracy 88.21% (best 88.83% @2), agreement 95.11% (best), loss 0.3443`.
 * It keeps the best accuracy and agreement of each stage; `line` is undefined for an epoch whose line is skipped.
 */
export class EpochLines {
  private readonly best = new Map<string, { value: number; epoch: number }>();

  line(stage: StageName, epoch: number, epochs: number, metrics: Readonly<Record<string, number>>): string | undefined {
    if (Object.keys(metrics).length === 0) return undefined;
    const parts = (['accuracy', 'agreement'] as const)
      .filter((name) => metrics[name] !== undefined)
      .map((name, i) => `${i === 0 ? 'val ' : ''}${name} ${percent(metrics[name])} ${this.bestText(`${stage}/${name}`, metrics[name], epoch)}`);
    if (metrics.loss !== undefined) parts.push(`loss ${Number.isFinite(metrics.loss) ? metrics.loss.toFixed(4) : 'NaN'}`);
    const stride = Math.ceil(epochs / MAX_EPOCH_LINES);
    if ((epoch + 1) % stride !== 0 && epoch !== epochs - 1) return undefined;
    return `${stage} epoch ${epoch + 1}/${epochs}: ${parts.join(', ')}`;
  }

  /** `(best)` when this epoch is the best so far, else `(best 88.83% @2)`. Both metrics are better when higher. */
  private bestText(key: string, value: number, epoch: number): string {
    const best = this.best.get(key);
    if (Number.isFinite(value) && (!best || value > best.value)) {
      this.best.set(key, { value, epoch });
      return '(best)';
    }
    return best ? `(best ${percent(best.value)} @${best.epoch + 1})` : '(no best yet)';
  }
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : 'NaN';
}

export function createProgressReporter(log: RunLog, interactive = Boolean(process.stderr.isTTY)): ProgressReporter {
  return interactive ? new BarProgress(log) : new LineProgress(log);
}

class BarProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | undefined;
  private stage = '';
  private epochs = 0;
  private readonly lines = new EpochLines();

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
    this.epochs = p.epochs;
    this.bar.update(p.step + 1, { epoch: p.epoch + 1, epochs: p.epochs, loss: p.loss.toFixed(4) });
  }

  epochEnd(stage: StageName, epoch: number, metrics: Readonly<Record<string, number>>): void {
    // Printed above the bar (the log's interrupter clears the bar's line, writes, and draws the bar again).
    const line = this.lines.line(stage, epoch, this.epochs, metrics);
    if (line) this.log.info(line);
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
  private epochs = 0;
  private readonly lines = new EpochLines();

  constructor(
    private readonly log: RunLog,
    private readonly everyMs = 10_000,
  ) {}

  step(p: StepProgress): void {
    const now = Date.now();
    this.epochs = p.epochs;
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

  epochEnd(stage: StageName, epoch: number, metrics: Readonly<Record<string, number>>): void {
    const line = this.lines.line(stage, epoch, this.epochs, metrics);
    if (line) this.log.info(line);
  }

  stageEnd(): void {
    this.stage = '';
  }
}
