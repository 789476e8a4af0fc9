// distill's version, read from core's package.json so runs record what produced them.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function distillVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
