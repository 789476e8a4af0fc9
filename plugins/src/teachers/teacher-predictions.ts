// The `teacher-predictions` teacher: logits or probabilities computed elsewhere (another framework, an earlier
// `distill predict`), read from a `.npy` matrix and its `.json` header (format: docs/teachers.md). Before anything
// trains, the file is checked against the dataset it is used with: the class count, the fingerprint, and, for every
// split distill asks a teacher about (train, validation, test), the row count and the sample ids.
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  definePlugin,
  displayPath,
  isSampleSource,
  readTeacherPredictions,
  UserError,
  type Dataset,
  type PredictionSplit,
  type PredictionsHeader,
  type Split,
  type TeacherSource,
  type WarnSink,
} from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description: 'The .npy file of predictions, relative to the manifest; its header is the .json file of the same name beside it.',
    },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

/** Row of each sample id, per split. */
type RowIndex = ReadonlyMap<PredictionSplit, ReadonlyMap<number, number>>;

export default definePlugin({
  kind: 'teacher',
  name: 'teacher-predictions',
  description: 'Precomputed teacher logits or probabilities per sample id, from a .npy file and its .json header; checked against the dataset.',
  paramsSchema,
  create: async (params, context, services): Promise<TeacherSource> => {
    if (!/\.npy$/i.test(params.path)) throw new UserError(`"path": "${params.path}": name the predictions' .npy file (its header is the .json file of the same name beside it)`);
    const file = resolve(context.manifestDir, params.path);
    const shown = displayPath(file);
    const predictions = await readTeacherPredictions(file, shown);
    const { header } = predictions;
    const data = context.data;
    if (!data) throw new Error('teacher-predictions is built without its dataset (context.data)');
    checkDataset(header, data, shown, services.warnings);
    const index = await rowIndex(header, data, shown);
    const values = header.values === 'probabilities' ? renormalised(predictions.values, header.classes) : predictions.values;
    return {
      outputs: header.values,
      layers: [],
      predict: async ({ sampleIds, split }) => {
        if (!split) throw new Error('teacher-predictions is asked for a batch without its split: sample ids are unique only within a split');
        const rows = index.get(split);
        if (!rows) throw new Error(`${shown} has no rows for the ${split} split`);
        const ids = await sampleIds.data();
        const out = new Float32Array(ids.length * header.classes);
        ids.forEach((id, i) => {
          const row = rows.get(id);
          if (row === undefined) throw new Error(`${shown} has no row for sample id ${id} of the ${split} split`);
          out.set(values.subarray(row * header.classes, (row + 1) * header.classes), i * header.classes);
        });
        const tensor = tf.tensor2d(out, [ids.length, header.classes]);
        return header.values === 'logits' ? { logits: tensor, features: {} } : { probabilities: tensor, features: {} };
      },
      describe: () => ({
        file: params.path,
        sha256: predictions.npySha256,
        headerSha256: predictions.headerSha256,
        values: header.values,
        ...Object.fromEntries(Object.entries(header.teacher ?? {}).map(([key, value]) => [`origin.${key}`, value])),
      }),
    };
  },
});

/** The class count must match; the fingerprint too, when the header gives one (else a warning says what it is). */
function checkDataset(header: PredictionsHeader, data: Dataset, file: string, warnings: WarnSink): void {
  if (header.classes !== data.numClasses) {
    throw new UserError(`${file}: the predictions have ${header.classes} classes, but the dataset has ${data.numClasses}`);
  }
  const fingerprint = header.dataset?.fingerprint;
  if (fingerprint === undefined) {
    warnings.warn(`${file}: its header names no dataset fingerprint, so it cannot be checked against the data it was made for; this dataset's is "${data.fingerprint}" (add it as "dataset": { "fingerprint": … })`);
  } else if (fingerprint !== data.fingerprint) {
    throw new UserError(
      `${file}: the predictions were made for dataset fingerprint ${fingerprint.slice(0, 12)}…, but this dataset's is ${data.fingerprint.slice(0, 12)}… (other data, params or seed)\n  hint: write them again for this data (distill predict), or set "dataset": { "fingerprint": "${data.fingerprint}" } if the data is the same`,
    );
  }
}

/** For each split a teacher is asked about, the file's rows matched one to one with the split's sample ids. */
async function rowIndex(header: PredictionsHeader, data: Dataset, file: string): Promise<RowIndex> {
  const index = new Map<PredictionSplit, Map<number, number>>();
  const wanted: [PredictionSplit, Split | undefined][] = [['train', data.train], ['validation', data.validation], ['test', data.test]];
  let offset = 0;
  const offsets = new Map<PredictionSplit, number>();
  for (const split of header.splits) {
    offsets.set(split.name, offset);
    offset += split.count;
  }
  for (const [name, split] of wanted) {
    if (!split) continue;
    const entry = header.splits.find((s) => s.name === name);
    if (!entry) throw new UserError(`${file}: has no rows for the ${name} split (it lists ${header.splits.map((s) => s.name).join(', ')}); distill asks a teacher about train, validation and test`);
    if (entry.count !== split.count) throw new UserError(`${file}: has ${entry.count} rows for the ${name} split, but the dataset's ${name} split has ${split.count} samples`);
    const ids = await splitIds(split);
    const first = offsets.get(name)!;
    const rows = new Map<number, number>();
    if (entry.ids) {
      entry.ids.forEach((id, r) => rows.set(id, first + r));
      const missing = Array.from(ids).filter((id) => !rows.has(id));
      if (missing.length > 0) {
        throw new UserError(`${file}: the ${name} split's ids lack ${missing.length} of the dataset's sample ids (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`);
      }
    } else {
      ids.forEach((id, r) => rows.set(id, first + r));
    }
    index.set(name, rows);
  }
  return index;
}

/** A split's sample ids in its order: its `ids`, else positions; a streamed split is read through once. */
async function splitIds(split: Split): Promise<Int32Array> {
  if (!isSampleSource(split)) return split.ids ?? Int32Array.from({ length: split.count }, (_, i) => i);
  const ids = new Int32Array(split.count);
  for (let start = 0; start < split.count; start += 4096) {
    const positions = Int32Array.from({ length: Math.min(4096, split.count - start) }, (_, i) => start + i);
    ids.set((await split.read(positions)).ids, start);
  }
  return ids;
}

/** Rows that keep only the top k probabilities sum to less than 1: scaled to sum to 1. */
function renormalised(values: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length / classes; row++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += values[row * classes + c];
    for (let c = 0; c < classes; c++) out[row * classes + c] = values[row * classes + c] / sum;
  }
  return out;
}
