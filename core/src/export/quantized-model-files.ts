// Writes a LayersModel in the standard TensorFlow.js layout (`model.json` + `weights.bin`) with its weights stored in
// a quantization mode that stock `tf.loadLayersModel` dequantizes on load. A weight that cannot be stored in that mode
// (see `unquantizableReason`) stays float32 in the same files, and the writer says which one and why.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { quantizeWeight, unquantizableReason, type QuantizationMode } from './quantize-weights.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** A weight kept in float32 although the export quantizes. */
export interface Float32Fallback {
  readonly weight: string;
  readonly layer: string;
  readonly reason: string;
}

export interface WrittenModel {
  readonly files: string[];
  /** Bytes of `weights.bin`. */
  readonly weightBytes: number;
  readonly fallbacks: Float32Fallback[];
}

/** Writes `dir/model.json` and `dir/weights.bin` with every weight in `mode` where it can be. */
export async function saveQuantizedModel(model: tf.LayersModel, dir: string, mode: QuantizationMode): Promise<WrittenModel> {
  const artifacts = await modelArtifacts(model);
  const specs = artifacts.weightSpecs ?? [];
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  const layerOf = weightLayers(model);
  const fallbacks: Float32Fallback[] = [];
  const chunks: Uint8Array[] = [];
  const entries: tf.io.WeightsManifestEntry[] = [];
  try {
    for (const spec of specs) {
      const values = tensors[spec.name].dataSync();
      const reason = values instanceof Float32Array ? unquantizableReason(values, spec.dtype, mode) : `its dtype is ${spec.dtype}`;
      if (reason || !(values instanceof Float32Array)) {
        fallbacks.push({ weight: spec.name, layer: layerOf.get(spec.name) ?? spec.name, reason: reason ?? `its dtype is ${spec.dtype}` });
        chunks.push(rawBytes(values as ArrayLike<number> as Float32Array | Int32Array | Uint8Array));
        entries.push(spec);
        continue;
      }
      const stored = quantizeWeight(values, mode);
      chunks.push(stored.bytes);
      entries.push(stored.quantization ? { ...spec, quantization: stored.quantization } : spec);
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  const weights = concat(chunks);
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: entries }],
    userDefinedMetadata: { distill: { quantization: mode, float32Weights: fallbacks } },
  };
  await mkdir(dir, { recursive: true });
  const jsonPath = join(dir, MODEL_JSON);
  const binPath = join(dir, WEIGHTS_BIN);
  await writeFile(binPath, weights);
  await writeFile(jsonPath, JSON.stringify(modelJson));
  return { files: [jsonPath, binPath], weightBytes: weights.byteLength, fallbacks };
}

async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { ...saved!, weightData: saved!.weightData && tf.io.CompositeArrayBuffer.join(saved!.weightData) };
}

/** Weight name (as saved) → the name of the layer that owns it. */
function weightLayers(model: tf.LayersModel): Map<string, string> {
  const layers = new Map<string, string>();
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      layers.set(weight.originalName, layer.name);
      layers.set(weight.name, layer.name);
    }
  }
  return layers;
}

function rawBytes(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
