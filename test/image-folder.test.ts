// The `image-folder` dataset through the real CLI, on real PNG and JPEG files the test writes with pngjs and jpeg-js:
// a folder per class trains to a high accuracy; splits by folder and by a path,label CSV; corrupt, empty, unknown and
// mislabelled files are refused naming the file, or skipped and counted with onInvalid "skip"; a model whose input
// shape differs from the images is refused by `distill validate` at its section; decoded images are cached under the
// sha256 of each file.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { saveModelFiles } from '@distill/core';
import { runCli, writeManifest } from './support/cli.js';

const SIZE = 12;

/** RGBA pixels of a class's pattern: `stripes` (vertical), `bands` (horizontal) or `solid`, with a little variation. */
function pattern(kind: string, variant: number): Buffer {
  const data = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const on = kind === 'stripes' ? (x + variant) % 6 < 3 : kind === 'bands' ? (y + variant) % 6 < 3 : true;
      const value = kind === 'solid' ? 60 + variant * 10 : on ? 230 : 20;
      data.set([value, value, Math.min(255, value + variant), 255], (y * SIZE + x) * 4);
    }
  }
  return data;
}

function writePng(file: string, data: Buffer, size = SIZE): void {
  const png = new PNG({ width: size, height: size });
  data.copy(png.data);
  writeFileSync(file, PNG.sync.write(png));
}

function writeJpeg(file: string, data: Buffer): void {
  writeFileSync(file, jpeg.encode({ data, width: SIZE, height: SIZE }, 95).data);
}

/** `root/<class>/` with `perClass` images per class, PNG and JPEG alternating. */
function writeClassFolders(root: string, perClass: number, classes = ['bands', 'solid', 'stripes']): void {
  for (const kind of classes) {
    mkdirSync(join(root, kind), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      if (i % 2 === 0) writePng(join(root, kind, `${i}.png`), pattern(kind, i % 4));
      else writeJpeg(join(root, kind, `${i}.jpg`), pattern(kind, i % 4));
    }
  }
}

function experiment(dataset: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'images',
    seed: 4,
    backend: 'wasm',
    dataset: { type: 'image-folder', params: dataset },
    teacher: { type: 'mlp', params: { hidden: [16] }, train: { epochs: 10, batchSize: 16, optimizer: { type: 'adam', params: { learningRate: 0.01 } } } },
    student: { type: 'mlp', params: { hidden: [8] } },
    losses: [{ type: 'kl-divergence', weight: 0.5 }, { type: 'cross-entropy', weight: 0.5 }],
    optimizer: { type: 'adam', params: { learningRate: 0.01 } },
    training: { epochs: 2, batchSize: 16 },
    ...extra,
  };
}

async function run(manifest: string, env: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'image-folder-runs-'));
  const result = await runCli(['run', manifest, '--out', out, '--quiet'], { env });
  const runs = readdirSync(out);
  const runDir = runs.length === 1 ? join(out, runs[0]) : '';
  return { ...result, runDir, summary: runDir ? JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) : undefined };
}

describe('image-folder dataset', () => {
  it('learns PNG and JPEG images from a folder per class, and caches every decoded file under its sha256', async () => {
    const manifest = writeManifest(experiment({ path: 'images', imageSize: [8, 8], validationFraction: 0.15, testFraction: 0.25 }));
    const dir = join(manifest, '..');
    writeClassFolders(join(dir, 'images'), 24);
    const cache = join(dir, 'cache');
    const ran = await run(manifest, { DISTILL_CACHE_DIR: cache });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    // The teacher trains on every label: the decoded, resized images carry their class.
    expect(ran.summary.metrics['teacher/test/accuracy']).toBeGreaterThanOrEqual(0.9);
    expect(ran.summary.dataset).toEqual({ skippedFiles: 0 });
    const resolved = JSON.parse(readFileSync(join(ran.runDir, 'manifest.resolved.json'), 'utf8'));
    expect(resolved.dataset.params).toMatchObject({ color: 'rgb', splitBy: 'fraction', onInvalid: 'error' });

    const files = ['bands', 'solid', 'stripes'].flatMap((kind) => readdirSync(join(dir, 'images', kind)).map((f) => join(dir, 'images', kind, f)));
    const digests = new Set(files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex')));
    const entries = readdirSync(join(cache, 'images'));
    expect(new Set(entries.map((e) => e.split('-')[0]))).toEqual(digests);
    expect(entries.every((e) => e.endsWith('-8x8x3.f32'))).toBe(true);
    // The cached pixels give the very same data: the second run's dataset fingerprint (and so its metrics) match.
    const again = await run(manifest, { DISTILL_CACHE_DIR: cache });
    expect(again.summary.metrics['student/test/accuracy']).toBe(ran.summary.metrics['student/test/accuracy']);
  }, 120_000);

  it('splits by train/val/test folders, grayscale, and by a path,label CSV', async () => {
    const byFolder = writeManifest(experiment({ path: 'data', imageSize: [8, 8], color: 'grayscale', splitBy: 'folder' }, { training: { epochs: 1, batchSize: 16 } }));
    const root = join(byFolder, '..', 'data');
    writeClassFolders(join(root, 'train'), 6, ['bands', 'stripes']);
    writeClassFolders(join(root, 'val'), 2, ['bands', 'stripes']);
    writeClassFolders(join(root, 'test'), 3, ['bands', 'stripes']);
    const validated = await runCli(['validate', byFolder]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);

    const byCsv = writeManifest(experiment({ path: 'flat', labels: 'flat/labels.csv', imageSize: [8, 8], classes: ['bands', 'stripes'] }));
    const flat = join(byCsv, '..', 'flat');
    mkdirSync(flat);
    const rows = ['path,label'];
    for (let i = 0; i < 10; i++) {
      writePng(join(flat, `b${i}.png`), pattern('bands', i % 4));
      writePng(join(flat, `s${i}.png`), pattern('stripes', i % 4));
      rows.push(`b${i}.png,bands`, `s${i}.png,stripes`);
    }
    writeFileSync(join(flat, 'labels.csv'), `${rows.join('\n')}\n`);
    expect((await runCli(['validate', byCsv])).code).toBe(0);
    writeFileSync(join(flat, 'labels.csv'), `${[...rows, 'b1.png,band'].join('\n')}\n`);
    const mislabelled = await runCli(['validate', byCsv]);
    expect(mislabelled.code).toBe(2);
    expect(mislabelled.stderr).toMatch(/\/dataset: flat\/labels\.csv:22: label "band" of b1\.png is not in the class list \[bands, stripes\]; did you mean "bands"\?/);
    expect(mislabelled.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('refuses a corrupt image, an unknown extension, an empty class folder and a folder outside the class list, naming each', async () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      ['corrupt', (root) => writeFileSync(join(root, 'solid', '99.png'), readFileSync(join(root, 'solid', '0.png')).subarray(0, 60)), /solid\/99\.png: corrupt or unreadable PNG/],
      ['not an image', (root) => writeFileSync(join(root, 'solid', 'x.jpg'), 'hello'), /solid\/x\.jpg: not a PNG or JPEG image \(unknown file signature\)/],
      ['extension', (root) => writeFileSync(join(root, 'bands', 'notes.txt'), 'hello'), /bands\/notes\.txt: unknown image extension "\.txt"; expected one of \.png, \.jpg, \.jpeg/],
      ['empty', (root) => mkdirSync(join(root, 'empty')), /empty: the class folder "empty" holds no images/],
    ];
    for (const [, spoil, message] of cases) {
      const manifest = writeManifest(experiment({ path: 'images', imageSize: [8, 8] }));
      const root = join(manifest, '..', 'images');
      writeClassFolders(root, 6);
      spoil(root);
      const validated = await runCli(['validate', manifest]);
      expect(validated.code).toBe(2);
      expect(validated.stderr).toMatch(message);
      expect(validated.stderr).toMatch(/\/dataset/);
      expect(validated.stderr).not.toMatch(/\n\s+at /);
    }
    const listed = writeManifest(experiment({ path: 'images', imageSize: [8, 8], classes: ['bands', 'solid'] }));
    writeClassFolders(join(listed, '..', 'images'), 4);
    const outside = await runCli(['validate', listed]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/stripes: the folder's label "stripes" is not in the class list \[bands, solid\]/);
  }, 120_000);

  it('with onInvalid "skip" leaves invalid files out and counts them in the run log and summary.json', async () => {
    const manifest = writeManifest(experiment({ path: 'images', imageSize: [8, 8], onInvalid: 'skip', cache: false }, { training: { epochs: 1, batchSize: 16 } }));
    const root = join(manifest, '..', 'images');
    writeClassFolders(root, 8);
    writeFileSync(join(root, 'solid', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    writeFileSync(join(root, 'bands', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]));
    writeFileSync(join(root, 'stripes', 'readme.txt'), 'not an image');
    const ran = await run(manifest);
    expect(ran.code).toBe(0);
    expect(ran.summary.dataset).toEqual({ skippedFiles: 3 });
    const log = readFileSync(join(ran.runDir, 'run.log'), 'utf8');
    expect(log).toMatch(/skipped 3 invalid files \(onInvalid: "skip"\): .*broken\.jpg.*broken\.png.*readme\.txt/s);
  }, 120_000);

  it('refuses in validate, at the student, a model whose input shape is not the images\' shape', async () => {
    const models = mkdtempSync(join(tmpdir(), 'image-models-'));
    const input = tf.input({ shape: [16, 16, 3] });
    const flat = tf.layers.flatten().apply(input);
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(flat) as tf.SymbolicTensor });
    await saveModelFiles(model, join(models, 'sixteen'));
    model.dispose();
    const manifest = writeManifest(experiment({ path: 'images', imageSize: [8, 8] }, { student: { type: 'tfjs-model', params: { path: join(models, 'sixteen') } } }));
    writeClassFolders(join(manifest, '..', 'images'), 4);
    const validated = await runCli(['validate', manifest]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toMatch(/: \/student: the model in .*sixteen takes inputs of shape \[16, 16, 3\], but the dataset's samples have shape \[8, 8, 3\]/);
  }, 120_000);

  it('trains on images augmented with random-crop, horizontal-flip and cutmix', async () => {
    const augment = [{ type: 'random-crop', params: { padding: 1 } }, { type: 'horizontal-flip' }, { type: 'cutmix', params: { alpha: 1 } }];
    const manifest = writeManifest(experiment({ path: 'images', imageSize: [8, 8], cache: false }, { training: { epochs: 1, batchSize: 16, augment } }));
    writeClassFolders(join(manifest, '..', 'images'), 8);
    const ran = await run(manifest);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.summary.augmentation.steps).toEqual([
      { type: 'random-crop', params: { padding: 1 } },
      { type: 'horizontal-flip', params: { probability: 0.5 } },
      { type: 'cutmix', params: { alpha: 1 } },
    ]);
    expect(ran.summary.stages.student.steps).toBeGreaterThan(0);
  }, 120_000);
});
