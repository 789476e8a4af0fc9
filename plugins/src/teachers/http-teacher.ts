// The `http-teacher` teacher: a model behind an HTTP endpoint. distill posts batches of inputs (JSON, or raw float32
// with its shape in a header) and reads logits or probabilities back (docs/teachers.md has the protocol). Requests go
// in sub-batches, a few at a time, each with a timeout and retries with backoff on 429 and 5xx; every answer is
// checked (shape, size, finiteness) and kept on disk keyed by the request's content, so a rerun never asks twice and a
// failed run keeps what it got. When the teacher is built (`distill validate` too) one sample is asked for, so an
// endpoint that is down or answers the wrong shape is reported before anything trains, with the model version it names.
// Credentials travel in headers whose values come from environment variables; those values, and those of query
// parameters named like credentials (`?api_key=…`), are declared to the run's redaction and never recorded.
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { definePlugin, isSampleSource, redactUrl, secretQueryValues, UserError, type Dataset, type Environment, type TeacherBatch, type TeacherSource } from '@distill/core';
import { parseTeacherResponse, type TeacherValues } from './teacher-response.js';
import { postWithRetries, RequestFailure, type RetryPolicy } from './post-with-retries.js';
import { ResponseCache } from './response-cache.js';

/** The content type of a binary request: little-endian float32 inputs, row-major, shape in `X-Distill-Shape`. */
export const FLOAT32_CONTENT_TYPE = 'application/vnd.distill.float32';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Headers distill sets itself (or the HTTP client does): not for the manifest to change. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'x-distill-shape', 'host', 'connection', 'transfer-encoding']);
/** Header names that carry credentials: their value must come from the environment, never be written in a manifest. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|(token|key|secret|password|passwd|signature|auth)/i;

const paramsSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', minLength: 1, description: 'The endpoint distill posts batches of inputs to.' },
    outputs: { enum: ['logits', 'probabilities'], default: 'logits', description: 'What the endpoint answers: logits, or probabilities (full rows or top k).' },
    encoding: { enum: ['json', 'float32'], default: 'json', description: `How inputs are sent: JSON, or raw little-endian float32 (${FLOAT32_CONTENT_TYPE}).` },
    batchSize: { type: 'integer', minimum: 1, maximum: 65536, default: 64, description: 'Samples per request.' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4, description: 'Requests in flight at once.' },
    timeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'How long one attempt may take.' },
    retries: { type: 'integer', minimum: 0, maximum: 20, default: 3, description: 'Retries of a request that got 429, a 5xx, a timeout or a dropped connection.' },
    backoffMs: { type: 'integer', minimum: 0, default: 500, description: 'Wait before the first retry; doubled at each (Retry-After is honoured, up to 30 s).' },
    maxResponseBytes: { type: 'integer', minimum: 1, default: 67108864, description: 'A larger answer is refused.' },
    cacheDir: { type: 'string', minLength: 1, description: 'Where answers are kept, relative to the manifest; default: $DISTILL_CACHE_DIR/http-teacher, else .distill-cache/http-teacher.' },
    cache: { type: 'boolean', default: true, description: 'Keep answers on disk and never ask for the same request twice.' },
    versionHeader: { type: 'string', minLength: 1, default: 'x-model-version', description: 'The response header naming the model version, recorded with the run.' },
    headers: {
      type: 'object',
      default: {},
      description: 'Headers sent with every request: a plain string (recorded as written, so never a secret), or {"env": "VAR", "prefix": "Bearer "} to send the prefix and the value of an environment variable, which is masked in everything the run writes.',
      propertyNames: { pattern: HEADER_NAME.source },
      additionalProperties: {
        anyOf: [
          { type: 'string', description: 'A value that is not a secret, sent and recorded as written.' },
          {
            type: 'object',
            properties: {
              env: { type: 'string', pattern: ENV_NAME.source, description: 'The environment variable holding the value (a secret: masked in every output).' },
              prefix: { type: 'string', description: 'Sent before the value, e.g. "Bearer "; default: nothing.' },
            },
            required: ['env'],
            additionalProperties: false,
          },
        ],
      },
    },
  },
  required: ['url'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'teacher',
  name: 'http-teacher',
  description: 'A model behind an HTTP endpoint: batches of inputs posted as JSON or float32, logits or (top-k) probabilities read back; retried, cached on disk, checked.',
  paramsSchema,
  create: async (params, context, { environment, secrets }): Promise<TeacherSource> => {
    // Declared before anything can quote them: a key in the URL, and (below) the values of headers from the environment.
    secrets.add(...secretQueryValues(params.url));
    const shownUrl = redactUrl(params.url);
    const protocol = URL.canParse(params.url) ? new URL(params.url).protocol : undefined;
    if (protocol !== 'http:' && protocol !== 'https:') throw new UserError(`"url": ${JSON.stringify(shownUrl)} is not an http:// or https:// URL`);
    const extraHeaders = requestHeaders(params.headers ?? {}, environment);
    secrets.add(...extraHeaders.secrets);
    const data = context.data;
    if (!data) throw new Error('http-teacher is built without its dataset (context.data)');
    if (params.encoding === 'float32' && data.inputDtype === 'int32') throw new UserError('http-teacher: "encoding": "float32" sends float inputs, but the dataset gives int32 token ids; use "json"');
    const classes = data.numClasses;
    const sampleShape = [...data.inputShape];
    const width = sampleShape.reduce((a, b) => a * b, 1);
    const kind = params.outputs as TeacherValues;
    const policy: RetryPolicy = { timeoutMs: params.timeoutMs, retries: params.retries, backoffMs: params.backoffMs, maxResponseBytes: params.maxResponseBytes };
    const cacheDir = params.cacheDir ? resolve(context.manifestDir, params.cacheDir) : join(environment.DISTILL_CACHE_DIR ?? resolve('.distill-cache'), 'http-teacher');
    const cache = new ResponseCache(params.cache ? cacheDir : undefined);
    // What determines the answers, without the secrets (masked URL, plain headers only): a new token keeps the cache,
    // and the key (a hash) could not reveal one anyway.
    const identity = JSON.stringify({ url: shownUrl, outputs: kind, encoding: params.encoding, classes, sampleShape, ...(Object.keys(extraHeaders.plain).length ? { headers: extraHeaders.plain } : {}) });
    const versions = new Set<string>();
    const where = `teacher at ${context.pointer} (http-teacher ${shownUrl})`;

    /** One request: from the cache, else from the endpoint (then cached). */
    const ask = async (rows: Float32Array | Int32Array, count: number, label: string): Promise<Float32Array> => {
      const { body, headers } = encode(rows, count, sampleShape, params.encoding);
      const key = ResponseCache.key(identity, body);
      const cached = await cache.get(key, count * classes);
      if (cached) {
        if (cached.modelVersion) versions.add(cached.modelVersion);
        return cached.values;
      }
      let answer;
      try {
        answer = await postWithRetries(params.url, body, { ...extraHeaders.values, ...headers }, policy);
      } catch (error) {
        if (!(error instanceof RequestFailure)) throw error;
        throw new Error(`${where}: ${label} failed after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}: ${error.message}`);
      }
      const parsed = parseTeacherResponse(answer.body, kind, count, classes);
      if ('problem' in parsed) throw new Error(`${where}: ${label}: the answer does not fit: ${parsed.problem}`);
      const modelVersion = answer.headers.get(params.versionHeader)?.slice(0, 200) ?? undefined;
      if (modelVersion) versions.add(modelVersion);
      await cache.put(key, { values: parsed.values, ...(modelVersion ? { modelVersion } : {}) });
      return parsed.values;
    };

    // Asked once now: an endpoint that is down or answers the wrong shape is refused before anything trains.
    try {
      await ask(await firstSample(data, width), 1, 'the first training sample');
    } catch (error) {
      throw new UserError((error as Error).message);
    }

    let batchNumber = 0;
    return {
      outputs: kind,
      layers: [],
      predict: async ({ inputs, split }: TeacherBatch) => {
        const rows = (await inputs.data()) as Float32Array | Int32Array;
        const count = inputs.shape[0];
        const number = batchNumber++;
        const parts: Float32Array[] = [];
        const starts = Array.from({ length: Math.ceil(count / params.batchSize) }, (_, i) => i * params.batchSize);
        let next = 0;
        const worker = async () => {
          while (next < starts.length) {
            const i = next++;
            const start = starts[i];
            const end = Math.min(start + params.batchSize, count);
            const label = `batch ${number}${split ? ` of the ${split} split` : ''}, samples ${start}–${end - 1}`;
            parts[i] = await ask(rows.subarray(start * width, end * width), end - start, label);
          }
        };
        await Promise.all(Array.from({ length: Math.min(params.concurrency, starts.length) }, worker));
        const values = new Float32Array(count * classes);
        parts.forEach((part, i) => values.set(part, starts[i] * classes));
        const tensor = tf.tensor2d(values, [count, classes]);
        return kind === 'logits' ? { logits: tensor, features: {} } : { probabilities: tensor, features: {} };
      },
      describe: () => ({
        url: shownUrl,
        outputs: kind,
        encoding: params.encoding,
        ...(versions.size ? { modelVersion: [...versions].sort().join(', ') } : {}),
      }),
    };
  },
});

type HeaderParam = string | { readonly env: string; readonly prefix?: string };

/**
 * The headers of `headers` as sent, the values read from the environment (secrets), and the plain ones (what the cache
 * key may depend on). A variable that is not set, a secret written in clear, or a header distill sets is refused.
 */
function requestHeaders(headers: Readonly<Record<string, HeaderParam>>, environment: Environment): { values: Record<string, string>; secrets: string[]; plain: Record<string, string> } {
  const values: Record<string, string> = {};
  const plain: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, param] of Object.entries(headers)) {
    const at = `http-teacher: "headers"."${name}"`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new UserError(`${at}: distill sets ${name} itself; remove it from "headers"`);
    if (typeof param === 'string') {
      if (SECRET_HEADER.test(name)) throw new UserError(`${at} looks like a credential written in the manifest, where it would be recorded; put it in an environment variable and write {"env": "TEACHER_TOKEN"${/^authorization$/i.test(name) ? ', "prefix": "Bearer "' : ''}}`);
      if (/[\r\n\0]/.test(param)) throw new UserError(`${at}: a header value cannot hold a line break or NUL`);
      values[name] = plain[name] = param;
      continue;
    }
    const value = environment[param.env];
    if (value === undefined || value === '') {
      throw new UserError(`${at} takes its value from the environment variable ${param.env}, which is ${value === undefined ? 'not set' : 'empty'}; set it where distill runs (export ${param.env}=…)`);
    }
    if (/[\r\n\0]/.test(value)) throw new UserError(`${at}: the environment variable ${param.env} holds a line break or NUL, which a header value cannot`);
    secrets.push(value);
    values[name] = `${param.prefix ?? ''}${value}`;
  }
  return { values, secrets, plain };
}

/** The request body and headers for `count` samples. */
function encode(rows: Float32Array | Int32Array, count: number, shape: readonly number[], encoding: string): { body: Uint8Array; headers: Record<string, string> } {
  if (encoding === 'float32') {
    const floats = rows instanceof Float32Array ? rows : Float32Array.from(rows);
    return { body: new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength), headers: { 'content-type': FLOAT32_CONTENT_TYPE, 'x-distill-shape': [count, ...shape].join(','), accept: 'application/json' } };
  }
  const width = rows.length / Math.max(count, 1);
  const inputs = Array.from({ length: count }, (_, r) => Array.from(rows.subarray(r * width, (r + 1) * width)));
  return { body: Buffer.from(JSON.stringify({ shape, inputs })), headers: { 'content-type': 'application/json', accept: 'application/json' } };
}

/** The training split's first sample, the one asked for when the teacher is built. */
async function firstSample(data: Dataset, width: number): Promise<Float32Array | Int32Array> {
  const split = data.train;
  if (isSampleSource(split)) return (await split.read(Int32Array.of(0))).inputs;
  return split.x.subarray(0, width);
}
