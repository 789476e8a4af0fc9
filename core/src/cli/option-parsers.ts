// commander option parsers shared by the commands.
import { InvalidArgumentError } from 'commander';

/** Collects an option given several times (`--set a=1 --set b=2`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** `--concurrency 2`: a whole number of at least 1. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return value;
}
