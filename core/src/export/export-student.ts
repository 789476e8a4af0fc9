// The student as it will be shipped: one variant per quantization mode of the manifest's `export`, written to
// `export/<mode>/` and evaluated as loaded back from those files (what a deployment computes), on the test split like
// the student: accuracy, loss, agreement with the teacher and with the float32 student, weight bytes, gzip bytes and
// latency. A variant whose accuracy drops past `maxAccuracyDrop` is reported as collapsed; weights a mode cannot hold
// stay float32, and that is said and recorded.
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import type { SampleLayout } from '../data/sample-layout.js';
import type { Export } from '../manifest/generated/experiment.js';
import { agreement, evaluateSplit, type Scorer } from '../evaluation/evaluate-split.js';
import { measureFootprint } from '../evaluation/model-footprint.js';
import { loadModelFiles } from '../io/model-files.js';
import { saveQuantizedModel, WEIGHTS_BIN, type Float32Fallback } from './quantized-model-files.js';
import type { QuantizationMode } from './quantize-weights.js';

export const EXPORT_DIR = 'export';
export const EXPORT_REPORT = 'export.json';

export interface ExportLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface ExportRequest {
  readonly student: tf.LayersModel;
  /** For agreement with the teacher (a model, or a teacher source's scorer); without it that metric is left out. */
  readonly teacher?: tf.LayersModel | Scorer;
  readonly test: SampleSource;
  readonly layout: SampleLayout;
  readonly runDir: string;
  readonly settings: Export;
  readonly log: ExportLog;
}

export interface ExportedVariant {
  readonly mode: QuantizationMode;
  /** Relative to the run directory. */
  readonly dir: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly fallbacks: readonly Float32Fallback[];
  readonly collapsed: boolean;
}

export interface ExportOutcome {
  readonly metrics: Record<string, number>;
  /** Every file written (absolute). */
  readonly files: string[];
  readonly variants: ExportedVariant[];
}

export const DEFAULT_MAX_ACCURACY_DROP = 0.02;

export async function exportStudent(request: ExportRequest): Promise<ExportOutcome> {
  const { student, teacher, test, layout, runDir, settings, log } = request;
  const maxDrop = settings.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP;
  const reference = await evaluateSplit(student, test, layout);
  const teacherPredictions = teacher ? (await evaluateSplit(teacher, test, layout)).predictions : undefined;
  const metrics: Record<string, number> = { ...(await studentFileMetrics(student)) };
  const files: string[] = [];
  const variants: ExportedVariant[] = [];
  for (const mode of settings.quantize) {
    const dir = join(runDir, EXPORT_DIR, mode);
    const written = await saveQuantizedModel(student, dir, mode);
    files.push(...written.files);
    for (const fallback of written.fallbacks) {
      log.warn(`export ${mode}: layer ${fallback.layer} (weight ${fallback.weight}) stays float32: ${fallback.reason}`);
    }
    const variantMetrics = await evaluateVariant(dir, { test, layout, reference, teacherPredictions });
    variantMetrics.float32Weights = written.fallbacks.length;
    const drop = variantMetrics.accuracyDrop;
    const collapsed = drop > maxDrop;
    variantMetrics.collapsed = collapsed ? 1 : 0;
    if (collapsed) {
      log.warn(`export ${mode}: test accuracy ${pct(variantMetrics['test/accuracy'])} is ${pct(drop)} below the float32 student's ${pct(reference.accuracy)} (more than maxAccuracyDrop ${pct(maxDrop)}): this quantization collapses the model`);
    }
    for (const [key, value] of Object.entries(variantMetrics)) metrics[`${EXPORT_DIR}/${mode}/${key}`] = value;
    if (variants.length === 0) for (const [key, value] of Object.entries(variantMetrics)) metrics[`deployed/${key}`] = value;
    variants.push({ mode, dir: relative(runDir, dir).split('\\').join('/'), metrics: variantMetrics, fallbacks: written.fallbacks, collapsed });
    log.info(`export ${mode}: ${dir} — test accuracy ${pct(variantMetrics['test/accuracy'])}, ${variantMetrics.weightBytes} weight bytes (${variantMetrics.gzipBytes} gzipped)`);
  }
  // An export of other formats later (`distill export`) keeps the earlier ones in the report.
  const report = join(runDir, EXPORT_DIR, EXPORT_REPORT);
  const earlier = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { variants: ExportedVariant[] }).variants : [];
  const kept = earlier.filter((v) => !variants.some((w) => w.mode === v.mode));
  writeFileSync(report, `${JSON.stringify({ maxAccuracyDrop: maxDrop, variants: [...kept, ...variants] }, null, 2)}\n`);
  files.push(report);
  return { metrics, files, variants };
}

interface Reference {
  readonly test: SampleSource;
  readonly layout: SampleLayout;
  readonly reference: { readonly accuracy: number; readonly predictions: Int32Array };
  readonly teacherPredictions?: Int32Array;
}

/** The variant as stock tfjs loads it from its files, measured like the student. */
async function evaluateVariant(dir: string, against: Reference): Promise<Record<string, number>> {
  const model = await loadModelFiles(dir);
  try {
    const result = await evaluateSplit(model, against.test, against.layout);
    const footprint = await measureFootprint(model, against.layout.inputShape, against.layout.inputDtype);
    const weights = readFileSync(join(dir, WEIGHTS_BIN));
    return {
      'test/accuracy': result.accuracy,
      'test/loss': result.loss,
      ...(against.teacherPredictions ? { 'test/agreement': agreement(result.predictions, against.teacherPredictions) } : {}),
      'test/studentAgreement': agreement(result.predictions, against.reference.predictions),
      accuracyDrop: against.reference.accuracy - result.accuracy,
      weightBytes: weights.byteLength,
      gzipBytes: gzipBytes(weights),
      'latency/batch1Ms': footprint.latencyBatch1Ms,
      'latency/batch128Ms': footprint.latencyBatch128Ms,
    };
  } finally {
    model.dispose();
  }
}

/** The float32 student's weights as saved: how well they compress, and how many are exactly zero (pruning). */
async function studentFileMetrics(student: tf.LayersModel): Promise<Record<string, number>> {
  const { data } = await tf.io.encodeWeights(student.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  let zeros = 0;
  let total = 0;
  for (const w of student.weights) {
    const values = w.read().dataSync();
    total += values.length;
    for (const v of values) if (v === 0) zeros++;
  }
  return { 'student/gzipBytes': gzipBytes(new Uint8Array(data)), 'student/zeroFraction': total ? zeros / total : 0 };
}

export function gzipBytes(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).byteLength;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}
