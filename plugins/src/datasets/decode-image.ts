// An image file → the pixels a dataset holds: decoded (PNG or JPEG), converted to grayscale or RGB, resized, as
// floats in [0, 255]. Decoding is pngjs' and jpeg-js': pure JavaScript, so @distill/plugins stays free of native
// binaries and installs the same way everywhere tfjs' wasm backend runs (sharp, faster, would bring a platform
// package of libvips per OS and architecture). Resizing is tfjs' bilinear resize (half-pixel centres, as PIL and
// OpenCV do). A decoded image is cached on disk under the sha256 of the file's bytes and the decoding settings, so a
// second run (or a renamed copy of a file) does not decode again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** A file that is not an image distill can use: the message names what is wrong with it. */
export class InvalidImageError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'InvalidImageError';
  }
}

export interface DecodeSettings {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/** Images larger than this many pixels are refused before decoding: an untrusted file must not exhaust memory. */
const MAX_PIXELS = 64_000_000;

/** The pixels of `file` (height × width × channels floats in [0, 255], row-major), from the cache when it has them. */
export function loadImage(file: string, shown: string, settings: DecodeSettings, cacheDir: string | undefined): Float32Array {
  const bytes = readImageFile(file, shown);
  const key = cacheDir && cacheKey(bytes, settings);
  if (key) {
    const cached = readCached(join(cacheDir!, key), settings);
    if (cached) return cached;
  }
  const pixels = resized(decodeImage(bytes, shown), settings);
  if (key) writeCached(cacheDir!, key, pixels);
  return pixels;
}

function readImageFile(file: string, shown: string): Buffer {
  const extension = extname(file).toLowerCase();
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new InvalidImageError(shown, `${shown}: unknown image extension "${extension || '(none)'}"; expected one of ${IMAGE_EXTENSIONS.join(', ')}`);
  }
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InvalidImageError(shown, `${shown}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

interface Decoded {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel. */
  readonly rgba: Uint8Array;
}

/** Decodes by content (PNG and JPEG signatures), so a JPEG named .png still decodes; anything else is refused. */
export function decodeImage(bytes: Buffer, shown: string): Decoded {
  const isPng = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new InvalidImageError(shown, `${shown}: not a PNG or JPEG image (${bytes.length === 0 ? 'the file is empty' : 'unknown file signature'})`);
  try {
    if (isPng) {
      if (bytes.length >= 24 && bytes.readUInt32BE(16) * bytes.readUInt32BE(20) > MAX_PIXELS) throw new Error(`larger than ${MAX_PIXELS} pixels`);
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    if (!image.width || !image.height) throw new Error('no image data');
    return { width: image.width, height: image.height, rgba: image.data };
  } catch (error) {
    throw new InvalidImageError(shown, `${shown}: corrupt or unreadable ${isPng ? 'PNG' : 'JPEG'} (${(error as Error).message})`);
  }
}

/** RGBA → grayscale (ITU-R 601 luma, as PIL's "L") or RGB, then bilinear resize to the settings' size. */
function resized({ width, height, rgba }: Decoded, { height: outHeight, width: outWidth, channels }: DecodeSettings): Float32Array {
  const pixels = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
    if (channels === 1) pixels[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else pixels.set([r, g, b], 3 * p);
  }
  if (width === outWidth && height === outHeight) return pixels;
  return tf.tidy(() => {
    const image = tf.tensor3d(pixels, [height, width, channels]);
    return tf.image.resizeBilinear(image, [outHeight, outWidth], false, true).clipByValue(0, 255).dataSync() as Float32Array;
  });
}

function cacheKey(bytes: Buffer, { height, width, channels }: DecodeSettings): string {
  const digest = createHash('sha256').update(bytes).digest('hex');
  return `${digest}-${height}x${width}x${channels}.f32`;
}

function readCached(file: string, { height, width, channels }: DecodeSettings): Float32Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // A truncated entry (a run killed while writing) is decoded again rather than trusted.
  if (bytes.length !== height * width * channels * 4) return undefined;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function writeCached(dir: string, key: string, pixels: Float32Array): void {
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `${key}.${process.pid}.tmp`);
  writeFileSync(temporary, new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  renameSync(temporary, join(dir, key));
}
