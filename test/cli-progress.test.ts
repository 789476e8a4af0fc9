// The console during `distill run`: after each validated epoch a line with validation accuracy and agreement and the
// best so far — in plain output (a log, a pipe) and on a terminal, above the progress bar (a real pseudo-terminal
// from util-linux's `script`). The numbers are checked against the run's own metrics.jsonl.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distillBin, repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';

interface Point {
  key: string;
  value: number;
  epoch: number;
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

/** What the epoch lines must say, worked out from metrics.jsonl: value, and best so far with its epoch. */
function expectedLines(runDir: string, stage: string): string[] {
  const points = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Point);
  const perEpoch = (name: string) => {
    const byEpoch = new Map<number, number>();
    for (const p of points) if (p.key === `${stage}/val/${name}`) byEpoch.set(p.epoch, p.value);
    return [...byEpoch.values()];
  };
  const [accuracy, agreement, loss] = ['accuracy', 'agreement', 'loss'].map(perEpoch);
  const best = (values: number[], i: number) => {
    const top = values.slice(0, i + 1).reduce((b, v, j) => (v > values[b] ? j : b), 0);
    return top === i ? '(best)' : `(best ${percent(values[top])} @${top + 1})`;
  };
  return accuracy.map((a, i) => `${stage} epoch ${i + 1}/${accuracy.length}: val accuracy ${percent(a)} ${best(accuracy, i)}, agreement ${percent(agreement[i])} ${best(agreement, i)}, loss ${loss[i].toFixed(4)}`);
}

describe('the console shows a line per epoch', () => {
  it('in plain output, and in run.log, with the best so far', async () => {
    const out = mkdtempSync(join(tmpdir(), 'progress-'));
    const result = await runCli(['run', writeManifest(smallExperiment()), '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const runDir = join(out, readdirSync(out)[0]);
    const expected = expectedLines(runDir, 'student');
    expect(expected).toHaveLength(3);
    const printed = result.stderr.split('\n').filter((line) => line.startsWith('student epoch') && line.includes('val accuracy'));
    expect(printed).toEqual(expected);
    const logged = readFileSync(join(runDir, 'run.log'), 'utf8');
    for (const line of expected) expect(logged).toContain(` INFO ${line}\n`);
  });

  it('on a terminal, above the progress bar', () => {
    const out = mkdtempSync(join(tmpdir(), 'progress-tty-'));
    const manifest = writeManifest(smallExperiment());
    // `script` runs the CLI on a pseudo-terminal, so stderr is a TTY and the bar is drawn.
    const command = `${process.execPath} ${distillBin} run ${manifest} --out ${out}`;
    const result = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 240_000 });
    expect(result.status, result.stdout).toBe(0);
    const runDir = join(out, readdirSync(out)[0]);
    // The bar redraws in place; each epoch line starts after the bar's line is cleared.
    const screen = result.stdout.replace(/\r\x1b\[K/g, '\n').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(screen).toMatch(/student\s+\S+ \d+% \| epoch \d\/3 \| step \d+\/\d+ \| loss \d/);
    const lines = screen.split(/\r?\n|\r/).map((line) => line.trim());
    for (const line of expectedLines(runDir, 'student')) expect(lines).toContain(line);
  });
});
