// The .npy reader and writer against files numpy wrote (test/fixtures/npy/, from test/reference/npy_fixtures.py):
// the same bytes as numpy.save, the same values as numpy holds, and a precise refusal of every file distill cannot use.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/npy/${name}`, import.meta.url)));
const expected = JSON.parse(fixture('matrix.json').toString('utf8')) as { shape: [number, number]; values: number[] };

describe('.npy files', () => {
  it('reads the float32 matrix numpy saved, in format versions 1.0 and 2.0', () => {
    for (const file of ['matrix.npy', 'matrix-v2.npy']) {
      const matrix = decodeNpy(fixture(file), file);
      expect([matrix.rows, matrix.columns]).toEqual(expected.shape);
      expect(Array.from(matrix.data)).toEqual(expected.values);
    }
  });

  it('writes the very bytes numpy.save writes for the same array', () => {
    const [rows, columns] = expected.shape;
    expect(encodeNpy(Float32Array.from(expected.values), rows, columns).equals(fixture('matrix.npy'))).toBe(true);
  });

  it('refuses another dtype, Fortran order, three dimensions, a truncated file, a lying header and a non-npy file', () => {
    const refusal = (bytes: Uint8Array) => {
      try {
        decodeNpy(bytes, 'x.npy');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(fixture('float64.npy'))).toBe(`x.npy: its dtype is "<f8", but distill reads float32 ('<f4'): save array.astype(numpy.float32)`);
    expect(refusal(fixture('fortran.npy'))).toBe('x.npy: it is stored in Fortran order; save numpy.ascontiguousarray(array)');
    expect(refusal(fixture('three-d.npy'))).toBe('x.npy: its shape is (5, 3, 1); distill reads a 2-D array [samples, classes]');
    const whole = fixture('matrix.npy');
    expect(refusal(whole.subarray(0, whole.length - 4))).toBe('x.npy: its header says [5, 3] float32 (60 bytes of data), but the file has 56 bytes after the header (truncated?)');
    expect(refusal(Buffer.concat([whole, Buffer.alloc(4)]))).toBe('x.npy: its header says [5, 3] float32 (60 bytes of data), but the file has 64 bytes after the header');
    const huge = Buffer.from(whole);
    huge.writeUInt16LE(60000, 8);
    expect(refusal(huge)).toBe('x.npy: its header claims 60000 bytes; a 2-D float32 array\'s header is under 4096');
    expect(refusal(Buffer.from('{"logits": [[1, 2]]}'))).toBe('x.npy: not a .npy file (it does not start with \\x93NUMPY); save the array with numpy.save');
  });
});
