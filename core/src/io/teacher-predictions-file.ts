// A teacher's predictions as files: `<name>.npy`, a float32 `[rows, classes]` matrix of logits or probabilities, and
// `<name>.json` beside it, which says what the rows are — the values, the class count, the dataset (by fingerprint)
// and, per split, how many rows and for which sample ids. `distill predict` writes them; the `teacher-predictions`
// teacher reads them (docs/teachers.md). Both files may come from anywhere, so reading them checks every field and
// every value before anything is used.
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { decodeNpy, encodeNpy } from './npy.js';

export const PREDICTIONS_FORMAT = 'distill-teacher-predictions';
export const PREDICTION_SPLITS = ['train', 'validation', 'test'] as const;
export type PredictionSplit = (typeof PREDICTION_SPLITS)[number];

export interface PredictionsSplit {
  readonly name: PredictionSplit;
  /** Rows of this split, in the `.npy` after the rows of the splits listed before it. */
  readonly count: number;
  /** The sample id of each row; absent: the rows follow the split's order (its first sample, its second, …). */
  readonly ids?: readonly number[];
}

export interface PredictionsHeader {
  readonly format: typeof PREDICTIONS_FORMAT;
  readonly version: 1;
  readonly values: 'logits' | 'probabilities';
  readonly classes: number;
  /** The data the rows were computed on; `fingerprint` is the dataset's (distill checks it when given). */
  readonly dataset?: { readonly type?: string; readonly fingerprint?: string };
  readonly splits: readonly PredictionsSplit[];
  /** Where the predictions came from (the teacher that wrote them), kept for the record. */
  readonly teacher?: Readonly<Record<string, string>>;
}

export interface TeacherPredictionsFile {
  readonly header: PredictionsHeader;
  /** `Σ count × classes` values, the splits' rows in the header's order. */
  readonly values: Float32Array;
  readonly npyPath: string;
  readonly headerPath: string;
  readonly npySha256: string;
  readonly headerSha256: string;
}

/** A sidecar larger than this is refused before it is parsed (ids of tens of millions of samples fit). */
const MAX_HEADER_FILE_BYTES = 512 * 1024 * 1024;

/** `teacher.npy` → `teacher.json`. */
export function predictionsHeaderPath(npyPath: string): string {
  return npyPath.replace(/\.npy$/i, '') + '.json';
}

/** Writes `<path>` (the `.npy`) and its `.json`; returns both paths. */
export async function writeTeacherPredictions(npyPath: string, header: PredictionsHeader, values: Float32Array): Promise<string[]> {
  const rows = header.splits.reduce((n, split) => n + split.count, 0);
  if (!/\.npy$/i.test(npyPath)) throw new UserError(`${npyPath}: the predictions file must end in .npy (its header is written beside it as .json)`);
  await mkdir(dirname(npyPath), { recursive: true });
  const headerPath = predictionsHeaderPath(npyPath);
  await refuseToOverwrite(headerPath);
  await writeFile(npyPath, encodeNpy(values, rows, header.classes));
  await writeFile(headerPath, headerText(header));
  return [npyPath, headerPath];
}

/** A `.json` beside the `.npy` that is not a predictions header (a manifest!) is never overwritten. */
async function refuseToOverwrite(headerPath: string): Promise<void> {
  const existing = await readFile(headerPath, 'utf8').catch(() => undefined);
  if (existing === undefined) return;
  let format: unknown;
  try {
    format = (JSON.parse(existing) as { format?: unknown }).format;
  } catch {
    // not JSON: refused below
  }
  if (format !== PREDICTIONS_FORMAT) {
    throw new UserError(`${headerPath} exists and is not a predictions header; writing the predictions would replace it\n  hint: choose another --out name (the header is written as <name>.json)`);
  }
}

/** The header as JSON, indented, with each split's ids on one line. */
function headerText(header: PredictionsHeader): string {
  const placeholders = header.splits.map((split, i) => ({ ...split, ...(split.ids ? { ids: `\u0000ids${i}` } : {}) }));
  let text = JSON.stringify({ ...header, splits: placeholders }, null, 1);
  header.splits.forEach((split, i) => {
    if (split.ids) text = text.replace(JSON.stringify(`\u0000ids${i}`), JSON.stringify(split.ids));
  });
  return `${text}\n`;
}

/** Reads and checks both files: the header's fields, the matrix's shape against it, and every value. */
export async function readTeacherPredictions(npyPath: string, shown: string = npyPath): Promise<TeacherPredictionsFile> {
  const headerPath = predictionsHeaderPath(npyPath);
  const shownHeader = predictionsHeaderPath(shown);
  const headerInfo = await stat(headerPath).catch(() => undefined);
  if (!headerInfo) throw new UserError(`${shownHeader}: file not found; the predictions in ${shown} need their header beside them (docs/teachers.md)`);
  if (headerInfo.size > MAX_HEADER_FILE_BYTES) throw new UserError(`${shownHeader}: ${headerInfo.size} bytes is more than a predictions header may have (${MAX_HEADER_FILE_BYTES})`);
  const headerBytes = await readFile(headerPath);
  const npyBytes = await readFile(npyPath).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${shown}: ${error.code === 'ENOENT' ? 'file not found' : error.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerBytes.toString('utf8'));
  } catch (error) {
    throw new UserError(`${shownHeader}: not valid JSON: ${(error as Error).message}`);
  }
  const header = parsePredictionsHeader(parsed, shownHeader);
  const matrix = decodeNpy(npyBytes, shown);
  const rows = header.splits.reduce((n, split) => n + split.count, 0);
  if (matrix.columns !== header.classes) {
    throw new UserError(`${shown}: has ${matrix.columns} columns, but ${shownHeader} says "classes": ${header.classes}`);
  }
  if (matrix.rows !== rows) {
    throw new UserError(`${shown}: has ${matrix.rows} rows, but the splits of ${shownHeader} add up to ${rows} (${header.splits.map((s) => `${s.name} ${s.count}`).join(' + ')})`);
  }
  checkValues(matrix.data, header, shown);
  return {
    header,
    values: matrix.data,
    npyPath,
    headerPath,
    npySha256: createHash('sha256').update(npyBytes).digest('hex'),
    headerSha256: createHash('sha256').update(headerBytes).digest('hex'),
  };
}

/** Every field of a header, checked; errors name the file and the JSON pointer. */
export function parsePredictionsHeader(value: unknown, file: string): PredictionsHeader {
  const fail = (pointer: string, what: string): never => {
    throw new UserError(`${file}: ${pointer || '/'}: ${what}`);
  };
  if (!isObject(value)) return fail('', 'expected an object with "format", "values", "classes" and "splits"');
  const known = ['format', 'version', 'values', 'classes', 'dataset', 'splits', 'teacher'];
  for (const key of Object.keys(value)) if (!known.includes(key)) fail(`/${key}`, `unknown key; valid: ${known.join(', ')}`);
  if (value.format !== PREDICTIONS_FORMAT) fail('/format', `expected "${PREDICTIONS_FORMAT}", got ${JSON.stringify(value.format)}`);
  if (value.version !== 1) fail('/version', `expected 1 (the only version), got ${JSON.stringify(value.version)}`);
  if (value.values !== 'logits' && value.values !== 'probabilities') fail('/values', `expected "logits" or "probabilities", got ${JSON.stringify(value.values)}`);
  if (!isCount(value.classes) || (value.classes as number) < 1 || (value.classes as number) > 1_000_000) fail('/classes', `expected a whole number of classes ≥ 1, got ${JSON.stringify(value.classes)}`);
  let dataset: PredictionsHeader['dataset'];
  if (value.dataset !== undefined) {
    if (!isObject(value.dataset)) return fail('/dataset', 'expected an object { "fingerprint": "<sha256>" }');
    for (const key of Object.keys(value.dataset)) if (key !== 'fingerprint' && key !== 'type') fail(`/dataset/${key}`, 'unknown key; valid: fingerprint, type');
    const { fingerprint, type } = value.dataset;
    if (fingerprint !== undefined && (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint))) fail('/dataset/fingerprint', `expected 64 lower-case hex digits (a sha256), got ${JSON.stringify(fingerprint)}`);
    if (type !== undefined && typeof type !== 'string') fail('/dataset/type', `expected a string, got ${JSON.stringify(type)}`);
    dataset = { ...(typeof type === 'string' ? { type } : {}), ...(typeof fingerprint === 'string' ? { fingerprint } : {}) };
  }
  if (!Array.isArray(value.splits) || value.splits.length === 0) return fail('/splits', 'expected a non-empty array of { "name", "count", "ids"? }');
  const seen = new Set<string>();
  const splits = value.splits.map((split: unknown, i: number): PredictionsSplit => {
    const at = `/splits/${i}`;
    if (!isObject(split)) return fail(at, 'expected an object { "name", "count", "ids"? }');
    for (const key of Object.keys(split)) if (!['name', 'count', 'ids'].includes(key)) fail(`${at}/${key}`, 'unknown key; valid: name, count, ids');
    if (!PREDICTION_SPLITS.includes(split.name as PredictionSplit)) fail(`${at}/name`, `expected one of ${PREDICTION_SPLITS.join(', ')}, got ${JSON.stringify(split.name)}`);
    const name = split.name as PredictionSplit;
    if (seen.has(name)) fail(`${at}/name`, `split "${name}" is listed twice`);
    seen.add(name);
    if (!isCount(split.count)) fail(`${at}/count`, `expected a whole number of rows ≥ 0, got ${JSON.stringify(split.count)}`);
    const count = split.count as number;
    if (split.ids === undefined) return { name, count };
    if (!Array.isArray(split.ids)) return fail(`${at}/ids`, 'expected an array of sample ids, one per row');
    if (split.ids.length !== count) fail(`${at}/ids`, `has ${split.ids.length} ids, but "count" is ${count}: one id per row`);
    const unique = new Set<number>();
    split.ids.forEach((id: unknown, j: number) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < -(2 ** 31) || id >= 2 ** 31) fail(`${at}/ids/${j}`, `expected an int32 sample id, got ${JSON.stringify(id)}`);
      if (unique.has(id as number)) fail(`${at}/ids/${j}`, `sample id ${id} appears twice in split "${name}"`);
      unique.add(id as number);
    });
    return { name, count, ids: split.ids as number[] };
  });
  let teacher: Record<string, string> | undefined;
  if (value.teacher !== undefined) {
    if (!isObject(value.teacher) || !Object.values(value.teacher).every((v) => typeof v === 'string')) fail('/teacher', 'expected an object of strings');
    teacher = value.teacher as Record<string, string>;
  }
  return {
    format: PREDICTIONS_FORMAT,
    version: 1,
    values: value.values as PredictionsHeader['values'],
    classes: value.classes as number,
    ...(dataset ? { dataset } : {}),
    splits,
    ...(teacher ? { teacher } : {}),
  };
}

/** Logits: every value finite. Probabilities: each in [0, 1], each row summing to 1 (± 1e-3), or to less for top-k rows. */
function checkValues(values: Float32Array, header: PredictionsHeader, file: string): void {
  const { classes } = header;
  let row = 0;
  for (const split of header.splits) {
    for (let r = 0; r < split.count; r++, row++) {
      const where = () => `${file}: split "${split.name}", row ${r}${split.ids ? ` (sample id ${split.ids[r]})` : ''}`;
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const v = values[row * classes + c];
        if (!Number.isFinite(v)) throw new UserError(`${where()}, class ${c}: ${v} is not a finite number`);
        if (header.values === 'probabilities' && (v < 0 || v > 1)) throw new UserError(`${where()}, class ${c}: probability ${v} is outside [0, 1]`);
        sum += v;
      }
      if (header.values === 'probabilities' && (sum > 1 + 1e-3 || sum <= 0)) {
        throw new UserError(`${where()}: probabilities sum to ${sum}; a row sums to 1 (or, keeping only the top k, to at most 1 and more than 0)`);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1;
}
