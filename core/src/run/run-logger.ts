// Run output: every line goes to `run.log` in the run directory and to stderr; quiet keeps info lines off stderr
// (warnings still show: a quiet run that could not deliver to its tracker must still say so).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../secrets/redact.js';
import type { WarnSink } from '../plugins/run-services.js';

/** A run's log is where its plugins' and trackers' warnings go: a `WarnSink` with more levels. */
export interface RunLog extends WarnSink {
  info(message: string): void;
  /** Lines for the log file only (stack traces of failures). */
  debug(message: string): void;
  /** Lines for the terminal only (progress fallbacks), not the log file. */
  console(message: string): void;
  /** Lets a progress bar clear its line before a log line is printed. */
  setInterrupter(interrupter: ((write: () => void) => void) | undefined): void;
}

export function createRunLog(runDir: string | undefined, quiet = false): RunLog & { attach(runDir: string): void } {
  let file = runDir ? join(runDir, 'run.log') : undefined;
  const pending: string[] = [];
  let interrupter: ((write: () => void) => void) | undefined;
  const write = (level: string, text: string, toConsole = true) => {
    const message = redact(text);
    const line = `${new Date().toISOString()} ${level} ${message}\n`;
    if (file) appendFileSync(file, line);
    else pending.push(line);
    if ((!quiet || level === 'WARN') && toConsole) {
      const out = () => process.stderr.write(`${level === 'WARN' ? 'warning: ' : ''}${message}\n`);
      interrupter ? interrupter(out) : out();
    }
  };
  return {
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    debug: (message) => write('DEBUG', message, false),
    console: (message) => {
      if (!quiet) process.stderr.write(`${redact(message)}\n`);
    },
    setInterrupter: (value) => {
      interrupter = value;
    },
    attach(dir: string) {
      file = join(dir, 'run.log');
      for (const line of pending.splice(0)) appendFileSync(file, line);
    },
  };
}
