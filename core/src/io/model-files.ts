// Reads and writes TensorFlow.js models and variables as files, without tfjs-node: the standard layout (`model.json` with
// `modelTopology` and `weightsManifest`, beside `weights.bin`) that tfjs-node's `file://` handler and browsers load.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface NamedVariable {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** Writes `dir/model.json` and `dir/weights.bin`; returns the paths written. */
export async function saveModelFiles(model: tf.LayersModel, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest: tf.io.WeightsManifestConfig = [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }];
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      written.push(...(await writeManifestAndWeights(dir, MODEL_JSON, WEIGHTS_BIN, modelJson, artifacts.weightData)));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return written;
}

/** Loads a LayersModel from `model.json` or from the directory that holds it. */
export async function loadModelFiles(path: string): Promise<tf.LayersModel> {
  const jsonPath = await modelJsonPath(path);
  const modelJson = await readJson(jsonPath);
  if (modelJson.format === 'graph-model') {
    throw new UserError(`${jsonPath} is a TensorFlow.js graph model; distill needs a LayersModel (saved with model.save)`);
  }
  if (!modelJson.modelTopology) throw new UserError(`${jsonPath} is not a TensorFlow.js model: it has no "modelTopology"`);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson as unknown as tf.io.ModelJSON, (manifest) =>
    readWeights(dirname(jsonPath), manifest, jsonPath),
  );
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new UserError(`cannot load the model in ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes variables (e.g. a feature loss's projection) as `dir/<basename>.json` + `dir/<basename>.bin`, in the weights-manifest format. */
export async function saveVariables(variables: readonly NamedVariable[], dir: string, name: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(variables.map(({ name: n, tensor }) => ({ name: n, tensor })));
  const manifest = { format: 'distill-variables', weightsManifest: [{ paths: [`./${name}.bin`], weights: specs }] };
  return writeManifestAndWeights(dir, `${name}.json`, `${name}.bin`, manifest, data);
}

/** Reads what `saveVariables` wrote; the caller owns (and disposes) the tensors. */
export async function loadVariables(dir: string, name: string): Promise<NamedVariable[]> {
  const jsonPath = join(dir, `${name}.json`);
  const manifestJson = await readJson(jsonPath);
  const manifest = manifestJson.weightsManifest as tf.io.WeightsManifestConfig | undefined;
  if (!Array.isArray(manifest)) throw new UserError(`${jsonPath} has no "weightsManifest"`);
  const [specs, data] = await readWeights(dir, manifest, jsonPath);
  const tensors = tf.io.decodeWeights(data, specs);
  return specs.map((spec) => ({ name: spec.name, tensor: tensors[spec.name] }));
}

async function writeManifestAndWeights(
  dir: string,
  jsonName: string,
  binName: string,
  json: object,
  weightData: tf.io.WeightData | undefined,
): Promise<string[]> {
  const jsonPath = join(dir, jsonName);
  const binPath = join(dir, binName);
  const bytes = weightData ? tf.io.CompositeArrayBuffer.join(weightData) : new ArrayBuffer(0);
  await writeFile(binPath, new Uint8Array(bytes));
  await writeFile(jsonPath, JSON.stringify(json));
  return [jsonPath, binPath];
}

async function modelJsonPath(path: string): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new UserError(`no TensorFlow.js model at ${absolute}: file not found`);
  if (!info.isDirectory()) return absolute;
  const inside = join(absolute, MODEL_JSON);
  if (!(await stat(inside).catch(() => undefined))) throw new UserError(`no ${MODEL_JSON} in ${absolute}`);
  return inside;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'file not found' : error.message}`);
  });
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below, with the file's name
  }
  throw new UserError(`${path} is not valid JSON of a TensorFlow.js model or weights manifest`);
}

async function readWeights(
  dir: string,
  manifest: tf.io.WeightsManifestConfig,
  jsonPath: string,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs = manifest.flatMap((group) => group.weights);
  const buffers: ArrayBuffer[] = [];
  for (const file of manifest.flatMap((group) => group.paths)) {
    const path = join(dir, file);
    const bytes = await readFile(path).catch(() => {
      throw new UserError(`weights file ${path} named in ${basename(jsonPath)} is missing`);
    });
    buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
}
