// The `graph-model` teacher: a TensorFlow.js GraphModel (a model converted from TensorFlow or Keras with
// tensorflowjs_converter: `model.json` holding a GraphDef, and weight shards beside it), read from disk without tfjs-node
// and run in inference mode. Its output node gives the logits (or probabilities); intermediate nodes named in `layers`
// can be tapped by feature losses. The files are untrusted: their size is bounded, shards must lie beside model.json,
// and a node name that the graph lacks is refused with the nearest names.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { definePlugin, isSampleSource, nearest, UserError, type Dataset, type FeatureLayer, type TeacherSource } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: "The GraphModel's model.json, or the directory holding it, relative to the manifest." },
    output: { type: 'string', minLength: 1, description: "The node whose output is the logits (or probabilities); default: the model's one output." },
    outputs: { enum: ['logits', 'probabilities'], default: 'logits', description: 'What the output node gives.' },
    layers: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, default: [], description: 'Intermediate nodes feature losses may tap, by node name (e.g. "hidden/Relu").' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

/** Larger files are refused before they are read. */
const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;
const MAX_WEIGHT_BYTES = 4 * 1024 * 1024 * 1024;

export default definePlugin({
  kind: 'teacher',
  name: 'graph-model',
  description: 'A TensorFlow.js GraphModel (model.json + weight shards, e.g. converted from TensorFlow) as a frozen teacher; intermediate nodes tappable by name.',
  paramsSchema,
  create: async (params, context): Promise<TeacherSource> => {
    const data = context.data;
    if (!data) throw new Error('graph-model is built without its dataset (context.data)');
    const files = await readGraphModelFiles(resolve(context.manifestDir, params.path), params.path);
    const nodeNames = files.nodeNames;
    const model = await tf.loadGraphModel(tf.io.fromMemory(files.artifacts)).catch((error: Error) => {
      throw new UserError(`${params.path}: cannot load the graph model: ${error.message}`);
    });
    try {
      const output = params.output ?? defaultOutput(files, params.path);
      for (const name of [output, ...params.layers]) checkNode(name, nodeNames, params.path);
      const layerNames = params.layers as string[];
      // One sample through the graph: its output must be [1, classes], and the tapped nodes' shapes are learned.
      const probe = tf.tensor(await firstSample(data), [1, ...data.inputShape], data.inputDtype ?? 'float32');
      const outputs = run(model, probe, output, layerNames);
      probe.dispose();
      const [head, ...tapped] = outputs;
      const shape = head.shape;
      tf.dispose(outputs);
      if (shape.length !== 2 || shape[1] !== data.numClasses) {
        throw new UserError(`${params.path}: node "${output}" outputs shape [${shape.join(', ')}] for one sample; distill needs [1, ${data.numClasses}] (one ${params.outputs === 'logits' ? 'logit' : 'probability'} per class)`);
      }
      const layers: FeatureLayer[] = layerNames.map((name, i) => ({ name, width: tapped[i].shape.slice(1).reduce((a, b) => a * b, 1), shape: tapped[i].shape.slice(1) }));
      return {
        outputs: params.outputs,
        layers,
        predict: async ({ inputs }, wanted) => {
          const [scores, ...features] = run(model, inputs, output, wanted);
          const prediction = { features: Object.fromEntries(wanted.map((name, i) => [name, features[i]])) };
          return params.outputs === 'logits' ? { ...prediction, logits: scores as tf.Tensor2D } : { ...prediction, probabilities: scores as tf.Tensor2D };
        },
        describe: () => ({ model: params.path, sha256: files.sha256, output }),
        dispose: () => model.dispose(),
      };
    } catch (error) {
      model.dispose();
      throw error;
    }
  },
});

/** The output node and the tapped nodes, for a batch, in inference mode. */
function run(model: tf.GraphModel, inputs: tf.Tensor, output: string, layers: readonly string[]): tf.Tensor[] {
  const result = model.execute(inputs, [output, ...layers]);
  return Array.isArray(result) ? result : [result];
}

/** The signature's one output, else the graph's one node that no other node reads. */
function defaultOutput(files: GraphModelFiles, path: string): string {
  const signed = Object.values(files.signatureOutputs).map((name) => name.replace(/:\d+$/, ''));
  const names = signed.length > 0 ? signed : files.sinks;
  if (names.length !== 1) throw new UserError(`${path}: the graph has ${names.length} outputs (${names.join(', ')}); name the one with the logits as "output"`);
  return names[0];
}

function checkNode(name: string, nodes: readonly string[], path: string): void {
  if (nodes.includes(name.replace(/:\d+$/, ''))) return;
  const close = nearest(name, nodes);
  const listed = nodes.length > 12 ? `${nodes.slice(0, 12).join(', ')}, …` : nodes.join(', ');
  throw new UserError(`${path}: the graph has no node "${name}"${close ? `; did you mean "${close}"?` : ''} (its nodes: ${listed})`);
}

interface GraphModelFiles {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly nodeNames: string[];
  /** Nodes no other node reads (outputs, when there is no signature). */
  readonly sinks: string[];
  /** The signature's outputs: key → tensor name. */
  readonly signatureOutputs: Record<string, string>;
  readonly sha256: string;
}

/** model.json and its weight shards, read and checked: the JSON's shape, the shards' places and sizes. */
async function readGraphModelFiles(path: string, shown: string): Promise<GraphModelFiles> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UserError(`${shown}: file not found`);
  const jsonPath = info.isDirectory() ? join(path, 'model.json') : path;
  const jsonInfo = await stat(jsonPath).catch(() => undefined);
  if (!jsonInfo) throw new UserError(`${shown}: no model.json in it`);
  if (jsonInfo.size > MAX_MODEL_JSON_BYTES) throw new UserError(`${shown}: model.json is ${jsonInfo.size} bytes, more than a graph model's may be (${MAX_MODEL_JSON_BYTES})`);
  const text = await readFile(jsonPath, 'utf8');
  const hash = createHash('sha256').update(text);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new UserError(`${shown}: model.json is not valid JSON: ${(error as Error).message}`);
  }
  const topology = json?.modelTopology as { node?: { name?: unknown; input?: unknown }[] } | undefined;
  if (json?.format !== 'graph-model' || !Array.isArray(topology?.node)) {
    throw new UserError(`${shown}: not a TensorFlow.js graph model (expected "format": "graph-model" and a modelTopology with nodes)${json?.format === 'layers-model' ? '; a LayersModel is a "tfjs-model" teacher' : ''}`);
  }
  const nodeNames = topology.node.map((node) => node.name).filter((name): name is string => typeof name === 'string');
  const read = new Set(topology.node.flatMap((node) => (Array.isArray(node.input) ? node.input.map((input) => String(input).replace(/^\^/, '').replace(/:\d+$/, '')) : [])));
  const sinks = nodeNames.filter((name) => !read.has(name));
  const signature = (json.signature ?? {}) as { outputs?: Record<string, { name?: unknown }> };
  const signatureOutputs = Object.fromEntries(Object.entries(signature.outputs ?? {}).flatMap(([key, info]) => (typeof info?.name === 'string' ? [[key, info.name]] : [])));
  if (!Array.isArray(json.weightsManifest)) throw new UserError(`${shown}: model.json has no "weightsManifest"`);
  const dir = dirname(jsonPath);
  const buffers: Buffer[] = [];
  let total = 0;
  for (const file of json.weightsManifest.flatMap((group) => (Array.isArray(group?.paths) ? group.paths : []))) {
    const shard = resolve(dir, String(file));
    if (relative(dir, shard).startsWith(`..${sep}`) || relative(dir, shard) === '..' || resolve(shard) === resolve(dir)) {
      throw new UserError(`${shown}: weight shard "${file}" lies outside the model's directory`);
    }
    const size = (await stat(shard).catch(() => undefined))?.size;
    if (size === undefined) throw new UserError(`${shown}: weight shard "${file}" named in model.json is missing`);
    total += size;
    if (total > MAX_WEIGHT_BYTES) throw new UserError(`${shown}: its weight shards pass ${MAX_WEIGHT_BYTES} bytes`);
    const bytes = await readFile(shard);
    hash.update(bytes);
    buffers.push(bytes);
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const specs = json.weightsManifest.flatMap((group) => group.weights ?? []);
  const expected = specs.reduce((n, spec) => n + spec.shape.reduce((a: number, b: number) => a * b, 1) * bytesPer(spec.dtype), 0);
  if (specs.every((spec) => !spec.quantization) && expected !== weightData.byteLength) {
    throw new UserError(`${shown}: its weight shards hold ${weightData.byteLength} bytes, but model.json's weights need ${expected}`);
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData,
    ...(json.signature ? { signature: json.signature } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
    ...(json.modelInitializer ? { modelInitializer: json.modelInitializer } : {}),
  };
  return { artifacts, nodeNames, sinks, signatureOutputs, sha256: hash.digest('hex') };
}

function bytesPer(dtype: string): number {
  return dtype === 'bool' ? 1 : dtype === 'complex64' ? 8 : 4;
}

async function firstSample(data: Dataset): Promise<Float32Array | Int32Array> {
  const split = data.train;
  if (isSampleSource(split)) return (await split.read(Int32Array.of(0))).inputs;
  const width = data.inputShape.reduce((a, b) => a * b, 1);
  return split.x.subarray(0, width);
}
