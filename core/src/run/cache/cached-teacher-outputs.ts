// The frozen teacher's outputs on a split through the cache: computing them is a full inference pass over the split,
// and the trials of a sweep (and later runs) that share the teacher and the data share the very same outputs.
// The key (cache-keys.ts) hashes the teacher (a model's weights and layer configurations, so a trained, cached or
// pretrained teacher is covered alike; a source's description), the layers tapped, the split and the dataset's
// fingerprint, the backend and distill's version.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../plugins/dataset-plugin.js';
import type { TeacherOutputs } from '../../training/teacher-outputs.js';
import type { TrainingCache } from './training-cache.js';
import { teacherOutputsKey } from './cache-keys.js';

export interface TeacherOutputsRequest {
  readonly cache: TrainingCache;
  /** `teacherIdentity(teacher)` (computed once per run: it reads every weight) or `sourceIdentity(...)`. */
  readonly teacher: string;
  readonly dataset: Dataset;
  readonly split: 'train' | 'validation';
  readonly layers: readonly string[];
  readonly backend: string;
}

export async function obtainTeacherOutputs(
  request: TeacherOutputsRequest,
  compute: () => Promise<TeacherOutputs>,
): Promise<{ outputs: TeacherOutputs; built: boolean; key: string }> {
  const key = teacherOutputsKey(request);
  let outputs: TeacherOutputs | undefined;
  const { dir, built } = await request.cache.obtain('teacher-outputs', key, async (staging) => {
    outputs = await compute();
    writeOutputs(staging, outputs);
  });
  return { outputs: outputs ?? readOutputs(dir), built, key };
}

const INDEX = 'outputs.json';

/** What the entry holds; `shape`s are per sample (entries written before shapes were kept hold widths only). */
interface OutputsIndex {
  readonly count: number;
  readonly logitsWidth?: number;
  readonly probabilitiesWidth?: number;
  readonly features: readonly { readonly layer: string; readonly width: number; readonly shape?: readonly number[] }[];
}

function writeOutputs(dir: string, outputs: TeacherOutputs): void {
  const features = Object.entries(outputs.features);
  const index: OutputsIndex = {
    count: outputs.count,
    ...(outputs.logits ? { logitsWidth: outputs.logits.width } : {}),
    ...(outputs.probabilities ? { probabilitiesWidth: outputs.probabilities.width } : {}),
    features: features.map(([layer, f]) => ({ layer, width: f.width, shape: f.shape })),
  };
  if (outputs.logits) writeFileSync(join(dir, 'logits.bin'), outputs.logits.data);
  if (outputs.probabilities) writeFileSync(join(dir, 'probabilities.bin'), outputs.probabilities.data);
  // Files are numbered, not named after layers: a layer name may hold characters a file name cannot.
  features.forEach(([, f], i) => writeFileSync(join(dir, `features-${i}.bin`), f.data));
  writeFileSync(join(dir, INDEX), `${JSON.stringify(index)}\n`);
}

function readOutputs(dir: string): TeacherOutputs {
  const index = JSON.parse(readFileSync(join(dir, INDEX), 'utf8')) as OutputsIndex;
  const floats = (file: string) => {
    const bytes = readFileSync(join(dir, file));
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const rows = (file: string, width: number, shape?: readonly number[]) => ({ data: floats(file), width, shape: shape ?? [width] });
  return {
    count: index.count,
    ...(index.logitsWidth !== undefined ? { logits: rows('logits.bin', index.logitsWidth) } : {}),
    ...(index.probabilitiesWidth !== undefined ? { probabilities: rows('probabilities.bin', index.probabilitiesWidth) } : {}),
    features: Object.fromEntries(index.features.map(({ layer, width, shape }, i) => [layer, rows(`features-${i}.bin`, width, shape)])),
  };
}
