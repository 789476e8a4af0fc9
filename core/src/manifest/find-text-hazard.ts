// What the JSON parser would mishandle or show badly, found in one pass over the text before it is parsed: a
// byte-order mark or a raw control character (invisible in a message, so named: `U+FEFF byte-order mark at 1:1`),
// nesting deeper than any manifest needs (a recursive parser or validator would overflow its stack), and a number
// too large for a double (`1e400` would become Infinity, shown as `null`).
import type { SourcePosition } from './json-source.js';

/** Far beyond any real manifest (a sweep spec inside a plugin's params is under 10), far below a stack overflow. */
export const MAX_DEPTH = 100;

export interface TextHazard extends SourcePosition {
  readonly message: string;
}

const NAMED: Record<number, string> = { 0x00: 'NUL byte', 0xfeff: 'byte-order mark', 0x1b: 'escape character' };

export function findTextHazard(text: string): TextHazard | undefined {
  let line = 1;
  let column = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const at = { line, column };
    if (code === 0xfeff || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) {
      const name = NAMED[code] ?? 'control character';
      const fix = code === 0xfeff ? '; save the file as UTF-8 without a BOM' : '; remove it, or write it as an escape (\\u0000) inside a string';
      return { ...at, message: `U+${code.toString(16).toUpperCase().padStart(4, '0')} ${name} at ${line}:${column}${fix}` };
    }
    if (inString) {
      if (code === 0x5c) (i++, column++);
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > MAX_DEPTH) return { ...at, message: `nested more than ${MAX_DEPTH} levels deep; a manifest needs a handful` };
    } else if (code === 0x7d || code === 0x5d) depth--;
    else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      const token = /^-?[0-9][0-9.eE+-]*/.exec(text.slice(i, i + 400))?.[0];
      if (token && !Number.isFinite(Number(token))) return { ...at, message: `the number ${token} is out of range (beyond ±${Number.MAX_VALUE.toExponential(1)})` };
      if (token) {
        i += token.length - 1;
        column += token.length - 1;
      }
    }
    if (code === 0x0a) (line++, (column = 1));
    else column++;
  }
  return undefined;
}
