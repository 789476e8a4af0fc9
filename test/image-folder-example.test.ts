// The image-folder example: experiments/data/digits/ is exactly what scripts/write-example-images.mjs writes (a fresh
// run into a temporary folder gives the same files, byte for byte), its files decode to the `mnist` package's digits,
// and experiments/image-folder.json runs end to end through the real CLI (shortened with --set) to a summary with
// the teacher's, the student's and the baseline's test accuracies.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, runNode } from './support/cli.js';

const committed = join(repoRoot, 'experiments/data/digits');

/** Every file under `root`, as `relative path → sha256`. */
function digests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else out[relative(root, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
    }
  };
  walk(root);
  return out;
}

describe('the image-folder example data', () => {
  it('is what scripts/write-example-images.mjs writes, byte for byte', async () => {
    const out = mkdtempSync(join(tmpdir(), 'example-images-'));
    const result = await runNode([join(repoRoot, 'scripts/write-example-images.mjs'), out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote 1200 images /);
    const fresh = digests(out);
    expect(Object.keys(fresh)).toHaveLength(1200);
    expect(fresh).toEqual(digests(committed));
  });

  it('holds 80 train, 15 val and 25 test images per digit, a tenth of them JPEG', () => {
    const files = Object.keys(digests(committed));
    // JPEGs at positions 9, 19, …: 8 of 80, 1 of 15, 2 of 25.
    for (const [split, perDigit, jpegs] of [['train', 80, 8], ['val', 15, 1], ['test', 25, 2]] as const) {
      for (let digit = 0; digit <= 9; digit++) {
        const inFolder = files.filter((file) => file.startsWith(`${split}/${digit}/`));
        expect(inFolder, `${split}/${digit}`).toHaveLength(perDigit);
        expect(inFolder.filter((file) => file.endsWith('.jpg')), `${split}/${digit}`).toHaveLength(jpegs);
      }
    }
  });

  it("decodes to the mnist package's digits: train from the start of each digit, test from its end", () => {
    const digits = createRequire(import.meta.url)('mnist') as { length: number; raw: number[] }[];
    const expected = (digit: number, index: number) => digits[digit].raw.slice(index * 784, (index + 1) * 784).map((v) => v * 255);
    // A PNG is lossless: each pixel is the package's value scaled to 0–255, rounded.
    const png = PNG.sync.read(readFileSync(join(committed, 'train/3/000.png')));
    expect([png.width, png.height]).toEqual([28, 28]);
    const pngGray = Array.from({ length: 784 }, (_, i) => png.data[i * 4]);
    expect(Math.max(...pngGray.map((v, i) => Math.abs(v - expected(3, 0)[i])))).toBeLessThanOrEqual(0.5);
    const lastTest = digits[7].length - 25 + 24;
    const testPng = PNG.sync.read(readFileSync(join(committed, 'test/7/024.png')));
    const testGray = Array.from({ length: 784 }, (_, i) => testPng.data[i * 4]);
    expect(Math.max(...testGray.map((v, i) => Math.abs(v - expected(7, lastTest)[i])))).toBeLessThanOrEqual(0.5);
    // A JPEG is lossy: close to the digit on average, far from any other image.
    const jpg = jpeg.decode(readFileSync(join(committed, 'val/5/009.jpg')));
    const jpgGray = Array.from({ length: 784 }, (_, i) => jpg.data[i * 4]);
    const meanError = (index: number) => jpgGray.reduce((sum, v, i) => sum + Math.abs(v - expected(5, index)[i]), 0) / 784;
    expect(meanError(80 + 9)).toBeLessThan(4);
    expect(meanError(80 + 8)).toBeGreaterThan(20);
  });
});

describe('experiments/image-folder.json', () => {
  it('runs through the real CLI to teacher, student and baseline test accuracies', async () => {
    const out = mkdtempSync(join(tmpdir(), 'image-folder-example-runs-'));
    const cache = mkdtempSync(join(tmpdir(), 'image-folder-example-cache-'));
    const result = await runCli(
      ['run', 'experiments/image-folder.json', '--out', out, '--quiet', '--set', 'teacher.train.epochs=2', '--set', 'training.epochs=2'],
      { env: { DISTILL_CACHE_DIR: cache } },
    );
    expect(result.code, result.stderr).toBe(0);
    const runs = readdirSync(out);
    expect(runs).toHaveLength(1);
    const runDir = join(out, runs[0]);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ name: 'image-folder', status: 'FINISHED', dataset: { skippedFiles: 0 } });
    expect(summary.augmentation.steps).toEqual([{ type: 'random-shift', params: { maxShift: 2, maxRotation: 0 } }]);
    for (const key of ['teacher/test/accuracy', 'student/test/accuracy', 'baseline/test/accuracy']) {
      // Two epochs on 800 digits are above chance (10% for ten balanced classes) for every model.
      expect(summary.metrics[key], key).toBeGreaterThan(0.15);
      expect(summary.metrics[key], key).toBeLessThanOrEqual(1);
    }
    expect(readFileSync(join(runDir, 'run.log'), 'utf8')).toContain('dataset image-folder: 800 train, 150 validation, 250 test, 10 classes');
    // Every image was decoded once into the cache named by DISTILL_CACHE_DIR.
    expect(readdirSync(join(cache, 'images')).length).toBeGreaterThan(0);
  });
});
