import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest-error.js';
import { parseManifestText } from './parse-manifest-text.js';
import { readManifest } from './read-manifest.js';

async function errorOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ManifestError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('parseManifestText', () => {
  it('keeps the manifest as written', () => {
    expect(parseManifestText('{ "name": "x", "seed": 1 }', 'x.json').raw).toEqual({ name: 'x', seed: 1 });
  });

  it('reports a JSON syntax error at its line and column', async () => {
    expect(await errorOf(() => parseManifestText('{\n  "name": "x"\n  "seed": 1\n}', 'x.json'))).toBe('x.json:3:3: invalid JSON: unexpected string');
    expect(await errorOf(() => parseManifestText('{\n  "name": "x",\n  "seed": 1,\n}', 'x.json'))).toBe(
      'x.json:4:1: invalid JSON: unexpected "}" after ","; JSON does not allow trailing commas',
    );
    expect(await errorOf(() => parseManifestText('{ "name": \'x\' }', 'x.json'))).toBe("x.json:1:11: invalid JSON: unexpected character '''");
    expect(await errorOf(() => parseManifestText('{ "name": "x"', 'x.json'))).toBe('x.json:1:14: invalid JSON: unexpected end of input');
    expect(await errorOf(() => parseManifestText('{ "name": "x" } // done', 'x.json'))).toBe("x.json:1:17: invalid JSON: unexpected character '/'");
  });

  it('names a byte-order mark, a NUL byte or another control character, with its place', async () => {
    expect(await errorOf(() => parseManifestText('\ufeff{ "name": "x" }', 'x.json'))).toBe('x.json:1:1: U+FEFF byte-order mark at 1:1; save the file as UTF-8 without a BOM');
    expect(await errorOf(() => parseManifestText('{\n  "na\u0000me": "x" }', 'x.json'))).toBe(
      'x.json:2:6: U+0000 NUL byte at 2:6; remove it, or write it as an escape (\\u0000) inside a string',
    );
    expect(await errorOf(() => parseManifestText('{ "name": "a\u0007b" }', 'x.json'))).toMatch(/^x\.json:1:13: U\+0007 control character at 1:13/);
    // Escaped, they are ordinary string content.
    expect(parseManifestText('{ "name": "a\\u0000\\"b" }', 'x.json').raw).toEqual({ name: 'a\u0000"b' });
  });

  it('refuses nesting deeper than 100 levels at the place it goes too deep, without overflowing the stack', async () => {
    const deep = `{ "name": "x", "description": ${'['.repeat(3000)}${']'.repeat(3000)} }`;
    expect(await errorOf(() => parseManifestText(deep, 'x.json'))).toBe('x.json:1:130: nested more than 100 levels deep; a manifest needs a handful');
    const fine = `{ "a": ${'['.repeat(99)}${']'.repeat(99)}, "b": "[[[[" }`;
    expect(parseManifestText(fine, 'x.json').raw).toHaveProperty('b', '[[[[');
  });

  it('says a number too large for a double is out of range instead of showing it as null', async () => {
    expect(await errorOf(() => parseManifestText('{ "training": { "epochs": 1e400 } }', 'x.json'))).toBe('x.json:1:27: the number 1e400 is out of range (beyond ±1.8e+308)');
    expect(await errorOf(() => parseManifestText('{ "seed": -2e999 }', 'x.json'))).toBe('x.json:1:11: the number -2e999 is out of range (beyond ±1.8e+308)');
    expect(parseManifestText('{ "lr": 1e-400, "big": 1.7e308 }', 'x.json').raw).toEqual({ lr: 0, big: 1.7e308 });
  });

  it('an empty file is one line', async () => {
    expect(await errorOf(() => parseManifestText('', 'x.json'))).toBe('x.json: manifest is empty; expected a JSON object');
    expect(await errorOf(() => parseManifestText(' \n\t\n', 'x.json'))).toBe('x.json: manifest is empty; expected a JSON object');
  });

  it('a top-level array, string or null is one line', async () => {
    expect(await errorOf(() => parseManifestText('[{ "name": "x" }]', 'x.json'))).toBe('x.json:1:1: manifest must be a JSON object (got an array)');
    expect(await errorOf(() => parseManifestText('\n  "x"', 'x.json'))).toBe('x.json:2:3: manifest must be a JSON object (got string)');
    expect(await errorOf(() => parseManifestText('null', 'x.json'))).toBe('x.json:1:1: manifest must be a JSON object (got null)');
  });
});

describe('readManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distill-read-'));
  writeFileSync(join(dir, 'ok.json'), '{ "name": "x" }');
  const cwd = process.cwd();

  it('reads and parses a file, keeping its absolute path', async () => {
    const parsed = await readManifest(join(dir, 'ok.json'));
    expect(parsed.file).toBe(join(dir, 'ok.json'));
    expect(parsed.raw).toEqual({ name: 'x' });
  });

  it('a missing file, a directory, a path through a file: one line each', async () => {
    expect(await errorOf(() => readManifest(join(dir, 'missing.json')))).toBe(`${join(dir, 'missing.json')}: no such file`);
    expect(await errorOf(() => readManifest(dir))).toBe(`${dir}: is a directory; expected a manifest file (.json)`);
    expect(await errorOf(() => readManifest(join(dir, 'ok.json', 'x.json')))).toBe(`${join(dir, 'ok.json', 'x.json')}: cannot read: a part of the path is a file, not a directory`);
  });

  it('shows a file inside the working directory relative to it', async () => {
    process.chdir(dir);
    try {
      expect(await errorOf(() => readManifest('missing.json'))).toBe('missing.json: no such file');
    } finally {
      process.chdir(cwd);
    }
  });
});
