// The `image-folder` dataset: PNG and JPEG files in one sub-folder per class (or listed in a `path,label` CSV),
// decoded, resized to one size, grayscale or RGB, normalised, and split by seeded fractions or by train/val/test
// folders. Samples are [height, width, channels] floats.
import { resolve } from 'node:path';
import { definePlugin, shuffledIndices, UserError, type DataSplit, type Dataset } from '@distill/core';
import { datasetFingerprint } from './dataset-fingerprint.js';
import { InvalidImageError, loadImage, type DecodeSettings } from './decode-image.js';
import { listClassFolders, listCsv, splitFolders, type ImageEntry, type ImageListing } from './image-files.js';
import { splitSizes } from './split-rows.js';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The folder of images, relative to the manifest.' },
    labels: {
      type: 'string',
      minLength: 1,
      description: 'A CSV of path,label rows (paths relative to `path`; an optional path,label header) instead of one sub-folder per class.',
    },
    classes: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 2,
      uniqueItems: true,
      description: 'The class list, in label order. Default: the class folders (or the CSV\'s labels), sorted. A folder or label outside it is refused.',
    },
    imageSize: {
      type: 'array',
      items: { type: 'integer', minimum: 1, maximum: 4096 },
      minItems: 2,
      maxItems: 2,
      description: 'Every image is resized (bilinear) to [height, width].',
    },
    color: { enum: ['rgb', 'grayscale'], default: 'rgb', description: 'rgb: 3 channels; grayscale: 1 channel (ITU-R 601 luma). Alpha is dropped.' },
    mean: {
      type: 'array',
      items: { type: 'number' },
      minItems: 1,
      maxItems: 3,
      default: [0],
      description: 'Per channel (or one for all): subtracted after scaling pixels to [0, 1].',
    },
    std: {
      type: 'array',
      items: { type: 'number', exclusiveMinimum: 0 },
      minItems: 1,
      maxItems: 3,
      default: [1],
      description: 'Per channel (or one for all): divides after subtracting the mean.',
    },
    splitBy: {
      enum: ['fraction', 'folder'],
      default: 'fraction',
      description: 'fraction: one pool shuffled with shuffleSeed and cut by validationFraction and testFraction; folder: train/, val/ (optional) and test/ folders, each with a sub-folder per class.',
    },
    validationFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'splitBy fraction: the share held out for validation.' },
    testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'splitBy fraction: the share held out for the test set.' },
    shuffleSeed: { type: 'integer', minimum: 0, default: 0, description: 'splitBy fraction: seed of the shuffle that assigns images to splits.' },
    onInvalid: {
      enum: ['error', 'skip'],
      default: 'error',
      description: 'An unreadable or corrupt image or an unknown extension: stop naming the file (error), or leave it out, counted in the run log and summary.json (skip).',
    },
    cache: {
      type: 'boolean',
      default: true,
      description: 'Keep decoded images in $DISTILL_CACHE_DIR/images (default .distill-cache/images), keyed by the sha256 of the file and the size and color.',
    },
  },
  required: ['path', 'imageSize'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'dataset',
  name: 'image-folder',
  description:
    'PNG and JPEG images in one sub-folder per class (or a path,label CSV), resized to imageSize, RGB or grayscale, scaled to [0, 1] then ' +
    'normalised with mean and std; split by seeded fractions or by train/val/test folders. Decoded images are cached by content hash.',
  paramsSchema,
  create: (params, context, services): Dataset => {
    const root = resolve(context.manifestDir, params.path);
    const channels = params.color === 'grayscale' ? 1 : 3;
    const settings: DecodeSettings = { height: params.imageSize[0], width: params.imageSize[1], channels };
    const normalise = normaliser(params.mean, params.std, channels);
    const cacheDir = params.cache ? resolve(services.environment.DISTILL_CACHE_DIR ?? '.distill-cache', 'images') : undefined;
    const skipped: string[] = [];
    const read = (entries: readonly ImageEntry[]): DataSplit => {
      const kept: { entry: ImageEntry; pixels: Float32Array }[] = [];
      for (const entry of entries) {
        try {
          kept.push({ entry, pixels: loadImage(entry.file, entry.shown, settings, cacheDir) });
        } catch (error) {
          if (!(error instanceof InvalidImageError)) throw error;
          if (params.onInvalid === 'error') throw new UserError(`${error.message}`, { hint: 'fix or remove the file, or set onInvalid: "skip" to leave invalid files out' });
          skipped.push(error.message);
        }
      }
      return toSplit(kept, settings, normalise);
    };

    let classNames: readonly string[];
    let splits: { train: DataSplit; validation?: DataSplit; test: DataSplit };
    if (params.splitBy === 'folder') {
      if (params.labels) throw new UserError('labels (a CSV) and splitBy "folder" do not go together: with a CSV the splits are cut by fraction');
      const folders = splitFolders(root);
      const train = listClassFolders(root, folders.train, params.classes);
      classNames = train.classNames;
      const listing = (dir: string) => listClassFolders(root, dir, classNames).entries;
      splits = {
        train: read(train.entries),
        ...(folders.validation ? { validation: read(listing(folders.validation)) } : {}),
        test: read(listing(folders.test)),
      };
    } else {
      const listing: ImageListing = params.labels
        ? listCsv(root, resolve(context.manifestDir, params.labels), params.labels, params.classes)
        : listClassFolders(root, root, params.classes);
      classNames = listing.classNames;
      const all = read(listing.entries);
      splits = splitByFraction(all, params.validationFraction, params.testFraction, params.shuffleSeed, params.path);
    }
    if (splits.train.count === 0) throw new UserError(`${params.path}: no valid image left for the train split${skipped.length ? ` (${skipped.length} skipped as invalid)` : ''}`);
    if (skipped.length > 0) {
      services.warnings.warn(`image-folder dataset: skipped ${skipped.length} invalid file${skipped.length === 1 ? '' : 's'} (onInvalid: "skip"): ${skipped.slice(0, 5).join('; ')}${skipped.length > 5 ? '; …' : ''}`);
    }
    const info = { inputShape: [settings.height, settings.width, channels], numClasses: classNames.length, classNames };
    return {
      ...info,
      ...splits,
      facts: { skippedFiles: skipped.length },
      fingerprint: datasetFingerprint(info, splits),
    };
  },
});

/** Pixels in [0, 255] → (pixel / 255 − mean[c]) / std[c]; one mean or std applies to every channel. */
function normaliser(mean: readonly number[], std: readonly number[], channels: number): (pixels: Float32Array, out: Float32Array, offset: number) => void {
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== 1 && values.length !== channels) throw new UserError(`${name} has ${values.length} values; give one, or one per channel (${channels})`);
  }
  const at = (values: readonly number[], c: number) => (values.length === 1 ? values[0] : values[c]);
  return (pixels, out, offset) => {
    for (let i = 0; i < pixels.length; i++) out[offset + i] = (pixels[i] / 255 - at(mean, i % channels)) / at(std, i % channels);
  };
}

function toSplit(kept: readonly { entry: ImageEntry; pixels: Float32Array }[], settings: DecodeSettings, normalise: ReturnType<typeof normaliser>): DataSplit {
  const width = settings.height * settings.width * settings.channels;
  const x = new Float32Array(kept.length * width);
  kept.forEach(({ pixels }, i) => normalise(pixels, x, i * width));
  return { x, y: Int32Array.from(kept, ({ entry }) => entry.label), count: kept.length };
}

function splitByFraction(all: DataSplit, validationFraction: number, testFraction: number, seed: number, shown: string): { train: DataSplit; validation?: DataSplit; test: DataSplit } {
  const sizes = splitSizes(all.count, validationFraction, testFraction);
  if (sizes.train < 1 || sizes.test < 1) throw new UserError(`${shown} has ${all.count} usable images: too few for a training and a test split with testFraction ${testFraction}`);
  const order = shuffledIndices(all.count, seed);
  const width = all.count ? all.x.length / all.count : 0;
  const take = (positions: Int32Array): DataSplit => {
    const x = new Float32Array(positions.length * width);
    positions.forEach((p, i) => x.set(all.x.subarray(p * width, (p + 1) * width), i * width));
    return { x, y: Int32Array.from(positions, (p) => all.y[p]), count: positions.length };
  };
  const validation = sizes.validation ? take(order.subarray(sizes.train, sizes.train + sizes.validation)) : undefined;
  return { train: take(order.subarray(0, sizes.train)), ...(validation ? { validation } : {}), test: take(order.subarray(sizes.train + sizes.validation)) };
}
