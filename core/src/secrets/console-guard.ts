// The terminal is a boundary where text leaves the process: everything written to stdout and stderr — distill's own
// lines, a library's warning, a child process's forwarded output — passes through the redaction first.
import { redact } from './redact.js';

let guarded = false;

export function guardConsole(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? redact(chunk) : chunk instanceof Uint8Array ? redact(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as typeof stream.write;
  }
}
