// HTTP to an MLflow server over Node's global fetch: authentication, a timeout per attempt, and retries on
// 408/429/5xx and connection errors with MLflow's backoff and `Retry-After` (see retry-policy.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { distillVersion } from '../../version.js';
import { UserError } from '../../errors.js';
import type { MlflowConfig } from './mlflow-config.js';
import { CONNECTION_ERROR, MlflowRestError, REQUEST_TIMEOUT, RETRYABLE_STATUSES, errorCodeForStatus } from './mlflow-rest-error.js';
import { RETRY_AFTER_STATUSES, backoffSeconds, parseRetryAfter } from './retry-policy.js';
import { redactCredentials } from '../../secrets/redact.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Absolute URL (built by the client from the tracking URI; never carries credentials). */
  readonly url: string;
  /** The path, for error messages. */
  readonly endpoint: string;
  readonly json?: unknown;
  readonly body?: Uint8Array;
  /** Overrides the configured retry count (run creation is not idempotent, so it retries its own way). */
  readonly maxRetries?: number;
  /** Aborts the request and any wait between attempts. */
  readonly signal?: AbortSignal;
}

export interface RetryNotice {
  readonly endpoint: string;
  readonly attempt: number;
  readonly waitSeconds: number;
  readonly reason: string;
}

export interface TransportOptions {
  readonly fetch?: FetchLike;
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
}

export class MlflowTransport {
  private fetchImpl: Promise<FetchLike> | undefined;

  constructor(
    readonly config: MlflowConfig,
    private readonly options: TransportOptions = {},
  ) {}

  /** Secrets to mask in anything derived from a response. */
  get secrets(): string[] {
    const auth = this.config.auth;
    return auth?.type === 'basic' ? [auth.password] : auth?.type === 'bearer' ? [auth.token] : [];
  }

  /** Sends a request whose answer is a JSON object; `{}` for MLflow's empty successes. */
  async json<T>(request: TransportRequest): Promise<T> {
    const bytes = await this.send(request);
    const text = Buffer.from(bytes).toString('utf8').trim();
    if (text === '' || text === '200 OK') return {} as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new MlflowRestError(200, 'INTERNAL_ERROR', `expected a JSON object, got: ${this.clean(text.slice(0, 200))}`, request.endpoint, text);
    }
    return parsed as T;
  }

  /** Sends a request and returns the body of its 200 answer; throws MlflowRestError otherwise. */
  async send(request: TransportRequest): Promise<Uint8Array> {
    const maxRetries = request.maxRetries ?? this.config.maxRetries;
    for (let failures = 1; ; failures++) {
      let failure: MlflowRestError;
      let retryAfter: number | undefined;
      try {
        const response = await this.attempt(request);
        const body = new Uint8Array(await response.arrayBuffer());
        if (response.ok) return body;
        failure = this.errorFrom(response.status, body, request.endpoint);
        if (this.config.respectRetryAfter && RETRY_AFTER_STATUSES.has(response.status)) retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        if (error instanceof MlflowRestError) throw error;
        failure = this.networkError(error, request.endpoint);
      }
      const retryable = failure.status === 0 || RETRYABLE_STATUSES.has(failure.status);
      if (!retryable || failures > maxRetries) throw failure;
      const waitSeconds = retryAfter ?? backoffSeconds(failures, this.config.backoffFactor, this.config.backoffJitter, this.options.random);
      this.options.onRetry?.({ endpoint: request.endpoint, attempt: failures, waitSeconds, reason: failure.message });
      if (waitSeconds > 0) await delay(waitSeconds * 1000, undefined, { signal: request.signal });
    }
  }

  private async attempt(request: TransportRequest): Promise<Response> {
    const fetchImpl = await this.fetcher();
    const headers: Record<string, string> = { 'User-Agent': `distill/${distillVersion()} (node ${process.versions.node})` };
    const auth = this.config.auth;
    if (auth?.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (auth?.type === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
    let body: string | Uint8Array | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.body !== undefined) {
      headers['Content-Type'] = 'application/octet-stream';
      body = request.body;
    }
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    return fetchImpl(request.url, { method: request.method, headers, body, signal, redirect: 'follow' });
  }

  private errorFrom(status: number, body: Uint8Array, endpoint: string): MlflowRestError {
    const text = Buffer.from(body).toString('utf8');
    try {
      const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const code = typeof parsed.error_code === 'string' ? parsed.error_code : errorCodeForStatus(status);
        const message = typeof parsed.message === 'string' ? parsed.message : text;
        return new MlflowRestError(status, code, this.clean(message), endpoint, this.clean(text));
      }
    } catch {
      // not JSON: a proxy, an auth layer or a server running without artifact serving
    }
    const summary = text.trim().slice(0, 300) || `HTTP ${status}`;
    return new MlflowRestError(status, errorCodeForStatus(status), this.clean(summary), endpoint, this.clean(text));
  }

  private networkError(error: unknown, endpoint: string): MlflowRestError {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    if (err?.name === 'TimeoutError') {
      return new MlflowRestError(0, REQUEST_TIMEOUT,
        `no answer from ${this.config.trackingUri} within ${this.config.timeoutMs / 1000} s (set MLFLOW_HTTP_REQUEST_TIMEOUT to wait longer)`, endpoint);
    }
    const detail = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
    return new MlflowRestError(0, CONNECTION_ERROR, this.clean(`cannot reach ${this.config.trackingUri}: ${detail}`), endpoint);
  }

  private clean(text: string): string {
    return redactCredentials(text, this.secrets);
  }

  private fetcher(): Promise<FetchLike> {
    this.fetchImpl ??= this.options.fetch
      ? Promise.resolve(this.options.fetch)
      : this.config.insecureTls
        ? insecureFetch()
        : Promise.resolve(globalThis.fetch as FetchLike);
    return this.fetchImpl;
  }
}

// Node's global fetch has no per-request TLS options; undici's own fetch with an Agent that skips verification does.
// undici is loaded only here, by a computed name, so distill runs without it unless MLFLOW_TRACKING_INSECURE_TLS is set.
async function insecureFetch(): Promise<FetchLike> {
  const name = 'undici';
  let undici: { fetch: FetchLike; Agent: new (options: unknown) => unknown };
  try {
    undici = (await import(name)) as typeof undici;
  } catch {
    throw new UserError('MLFLOW_TRACKING_INSECURE_TLS needs the `undici` package: npm install undici');
  }
  const dispatcher = new undici.Agent({ connect: { rejectUnauthorized: false } });
  return (url, init) => undici.fetch(url, { ...init, dispatcher } as RequestInit);
}
