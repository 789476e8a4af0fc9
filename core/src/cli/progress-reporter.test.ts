import { describe, expect, it } from 'vitest';
import { createProgressReporter, EpochLines } from './progress-reporter.js';
import type { RunLog } from '../run/run-logger.js';
import type { StepProgress } from '../training/train-stage.js';

describe('EpochLines', () => {
  it('prints validation accuracy and agreement with the best so far, and the loss', () => {
    const lines = new EpochLines();
    expect(lines.line('student', 0, 3, { accuracy: 0.8, loss: 0.51234, agreement: 0.9 })).toBe(
      'student epoch 1/3: val accuracy 80.00% (best), agreement 90.00% (best), loss 0.5123',
    );
    expect(lines.line('student', 1, 3, { accuracy: 0.75, loss: 0.6, agreement: 0.95 })).toBe(
      'student epoch 2/3: val accuracy 75.00% (best 80.00% @1), agreement 95.00% (best), loss 0.6000',
    );
    // Each stage keeps its own best.
    expect(lines.line('baseline', 0, 3, { accuracy: 0.5, loss: 1, agreement: 0.6 })).toBe(
      'baseline epoch 1/3: val accuracy 50.00% (best), agreement 60.00% (best), loss 1.0000',
    );
  });

  it('shows NaN as NaN and never takes it as the best', () => {
    const lines = new EpochLines();
    expect(lines.line('teacher', 0, 2, { accuracy: NaN, loss: NaN })).toBe('teacher epoch 1/2: val accuracy NaN (no best yet), loss NaN');
    expect(lines.line('teacher', 1, 2, { accuracy: 0.4, loss: 2 })).toBe('teacher epoch 2/2: val accuracy 40.00% (best), loss 2.0000');
  });

  it('prints nothing for an epoch without validation', () => {
    expect(new EpochLines().line('student', 0, 3, {})).toBeUndefined();
  });

  it('prints every n-th epoch and the last of a stage with many epochs, still tracking the best over all', () => {
    const lines = new EpochLines();
    const printed = Array.from({ length: 50 }, (_, epoch) => lines.line('baseline', epoch, 50, { accuracy: epoch === 4 ? 0.9 : 0.1 }));
    const shown = printed.map((line, epoch) => (line ? epoch + 1 : 0)).filter(Boolean);
    expect(shown).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 50]);
    expect(printed[5]).toBe('baseline epoch 6/50: val accuracy 10.00% (best 90.00% @5)');
  });
});

describe('createProgressReporter', () => {
  const progress = (epoch: number): StepProgress => ({ stage: 'student', epoch, epochs: 2, step: epoch, stepInEpoch: 0, stepsPerEpoch: 1, totalSteps: 2, loss: 0.5 });

  function recordingLog(): RunLog & { lines: string[] } {
    const lines: string[] = [];
    return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: () => undefined, console: (m) => lines.push(m), setInterrupter: () => undefined };
  }

  it('logs a line per validated epoch in plain (non-terminal) output', () => {
    const log = recordingLog();
    const reporter = createProgressReporter(log, false);
    for (const epoch of [0, 1]) {
      reporter.step(progress(epoch));
      reporter.epochEnd?.('student', epoch, { accuracy: 0.5 + epoch / 10, loss: 1, agreement: 0.7 });
    }
    expect(log.lines.filter((line) => line.includes(': val accuracy'))).toEqual([
      'student epoch 1/2: val accuracy 50.00% (best), agreement 70.00% (best), loss 1.0000',
      'student epoch 2/2: val accuracy 60.00% (best), agreement 70.00% (best 70.00% @1), loss 1.0000',
    ]);
  });
});
