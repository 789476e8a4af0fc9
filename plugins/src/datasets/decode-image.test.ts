import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { InvalidImageError, loadImage } from './decode-image.js';

/** A 2×2 PNG: red, green / blue, white. */
function writeQuad(file: string): void {
  const png = new PNG({ width: 2, height: 2 });
  png.data.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  writeFileSync(file, PNG.sync.write(png));
}

describe('loadImage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decode-image-'));
  const file = join(dir, 'quad.png');
  writeQuad(file);

  it('gives a PNG\'s own RGB pixels, row-major, alpha dropped', () => {
    expect([...loadImage(file, 'quad.png', { height: 2, width: 2, channels: 3 }, undefined)]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  });

  it('gives ITU-R 601 luma for grayscale (0.299 R + 0.587 G + 0.114 B)', () => {
    const gray = loadImage(file, 'quad.png', { height: 2, width: 2, channels: 1 }, undefined);
    [76.245, 149.685, 29.07, 255].forEach((value, i) => expect(gray[i]).toBeCloseTo(value, 3));
  });

  it('resizes a uniform image to the same value, and reads it back from the cache', () => {
    const solid = join(dir, 'solid.png');
    const png = new PNG({ width: 5, height: 3 });
    for (let p = 0; p < 15; p++) png.data.set([40, 80, 120, 255], p * 4);
    writeFileSync(solid, PNG.sync.write(png));
    const cache = join(dir, 'cache');
    const first = loadImage(solid, 'solid.png', { height: 4, width: 4, channels: 3 }, cache);
    expect(first.length).toBe(48);
    first.forEach((v, i) => expect(v).toBeCloseTo([40, 80, 120][i % 3], 3));
    expect(readdirSync(cache)).toHaveLength(1);
    expect([...loadImage(solid, 'solid.png', { height: 4, width: 4, channels: 3 }, cache)]).toEqual([...first]);
  });

  it('names the file of a truncated PNG', () => {
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, PNG.sync.write(new PNG({ width: 4, height: 4 })).subarray(0, 40));
    expect(() => loadImage(broken, 'cats/broken.png', { height: 2, width: 2, channels: 3 }, undefined)).toThrow(InvalidImageError);
    expect(() => loadImage(broken, 'cats/broken.png', { height: 2, width: 2, channels: 3 }, undefined)).toThrow(/^cats\/broken\.png: corrupt or unreadable PNG/);
  });
});
