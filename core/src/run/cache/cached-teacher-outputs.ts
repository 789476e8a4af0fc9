// The frozen teacher's outputs on a split through the cache: computing them is a full inference pass over the split,
// and the trials of a sweep (and later runs) that share the teacher and the data share the very same outputs.
// The key hashes the teacher's weights and layer configurations (so a trained, cached or pretrained teacher is covered
// alike), the layers tapped, the split and the dataset's fingerprint, the backend and distill's version.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../plugins/dataset-plugin.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { TeacherOutputs } from '../../training/teacher-outputs.js';
import { distillVersion } from '../../version.js';
import { contentKey, type TrainingCache } from './training-cache.js';

export interface TeacherOutputsRequest {
  readonly cache: TrainingCache;
  /** `teacherIdentity(teacher)`, computed once per run: it reads every weight. */
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

export function teacherOutputsKey({ teacher, dataset, split, layers, backend }: Omit<TeacherOutputsRequest, 'cache'>): string {
  return contentKey({
    teacher,
    layers,
    split,
    dataset: dataset.fingerprint,
    backend,
    distill: distillVersion(),
  });
}

/** What makes the teacher's outputs what they are: its layers' classes and configurations, and its weights. */
export function teacherIdentity(teacher: DistillModel): string {
  return contentKey({ layers: layerConfigs(teacher), weights: weightsDigest(teacher) });
}

/** Each layer's class and configuration, without its name: tfjs numbers default names per process. */
function layerConfigs(teacher: DistillModel): unknown[] {
  return teacher.model.layers.map((layer) => {
    const { name: _name, ...config } = layer.getConfig();
    return { class: layer.getClassName(), config };
  });
}

function weightsDigest(teacher: DistillModel): string {
  const hash = createHash('sha256');
  for (const weight of teacher.model.weights) {
    const values = weight.read().dataSync();
    hash.update(`${weight.shape.join('x')}:${weight.dtype}\n`);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

const INDEX = 'outputs.json';

interface OutputsIndex {
  readonly count: number;
  readonly logitsWidth: number;
  readonly features: readonly { readonly layer: string; readonly width: number }[];
}

function writeOutputs(dir: string, outputs: TeacherOutputs): void {
  const features = Object.entries(outputs.features);
  const index: OutputsIndex = { count: outputs.count, logitsWidth: outputs.logits.width, features: features.map(([layer, f]) => ({ layer, width: f.width })) };
  writeFileSync(join(dir, 'logits.bin'), outputs.logits.data);
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
  return {
    count: index.count,
    logits: { data: floats('logits.bin'), width: index.logitsWidth },
    features: Object.fromEntries(index.features.map(({ layer, width }, i) => [layer, { data: floats(`features-${i}.bin`), width }])),
  };
}
