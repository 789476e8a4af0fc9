// How distill reaches an MLflow server, read the way MLflow's own client reads it: the MLFLOW_* environment
// variables (mlflow/environment_variables.py), `~/.mlflow/credentials`, and explicit overrides that win over both.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { registerSecrets, stripUserinfo } from '../../secrets/redact.js';

export type MlflowAuth =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string };

export interface MlflowConfig {
  /** `http(s)://host[:port][/prefix]`, without credentials and without a trailing slash. */
  readonly trackingUri: string;
  readonly auth?: MlflowAuth;
  /** MLFLOW_TRACKING_INSECURE_TLS: skip TLS certificate verification (needs the `undici` package). */
  readonly insecureTls: boolean;
  /** MLFLOW_HTTP_REQUEST_MAX_RETRIES (default 7, below 10). */
  readonly maxRetries: number;
  /** MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR (default 2, below 120). */
  readonly backoffFactor: number;
  /** MLFLOW_HTTP_REQUEST_BACKOFF_JITTER (default 1). */
  readonly backoffJitter: number;
  /** MLFLOW_HTTP_REQUEST_TIMEOUT in milliseconds (default 120 s). */
  readonly timeoutMs: number;
  /** MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER (default true). */
  readonly respectRetryAfter: boolean;
}

export type MlflowConfigOverrides = Partial<Omit<MlflowConfig, 'trackingUri'>> & { readonly trackingUri?: string };

type Env = Readonly<Record<string, string | undefined>>;

export function resolveMlflowConfig(overrides: MlflowConfigOverrides = {}, env: Env = process.env): MlflowConfig {
  const rawUri = overrides.trackingUri ?? nonEmpty(env.MLFLOW_TRACKING_URI);
  if (!rawUri) {
    throw new UserError('no MLflow tracking URI: set MLFLOW_TRACKING_URI or the tracker param `trackingUri` (e.g. http://127.0.0.1:5000)');
  }
  const { uri, userinfo } = parseTrackingUri(rawUri);
  const maxRetries = overrides.maxRetries ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 7, { integer: true, below: 10 });
  const backoffFactor = overrides.backoffFactor ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2, { below: 120 });
  return {
    trackingUri: uri,
    auth: overrides.auth ?? resolveAuth(env, userinfo),
    insecureTls: overrides.insecureTls ?? envBoolean(env, 'MLFLOW_TRACKING_INSECURE_TLS', false),
    maxRetries,
    backoffFactor,
    backoffJitter: overrides.backoffJitter ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1, {}),
    timeoutMs: overrides.timeoutMs ?? envNumber(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', 120, { above: 0 }) * 1000,
    respectRetryAfter: overrides.respectRetryAfter ?? envBoolean(env, 'MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER', true),
  };
}

/** The URI without userinfo or trailing slash, and the userinfo it carried (fetch refuses URLs with credentials). */
function parseTrackingUri(raw: string): { uri: string; userinfo?: { username: string; password: string } } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`MLflow tracking URI "${stripUserinfo(raw)}" is not a URL`, { hint: 'use http://host:port, e.g. http://127.0.0.1:5000' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`MLflow tracking URI "${stripUserinfo(raw)}" is not http(s): distill talks to an MLflow tracking server over its REST API`, {
      hint: 'start one with `mlflow server --backend-store-uri sqlite:///mlflow.db` and use http://127.0.0.1:5000 (see docs/mlflow.md)',
    });
  }
  const userinfo = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  return { uri: url.toString().replace(/\/+$/, ''), userinfo };
}

// Basic wins over a token when both are configured: the Python client's code does it that way (rest_utils.http_request).
function resolveAuth(env: Env, userinfo?: { username: string; password: string }): MlflowAuth | undefined {
  const file = readCredentialsFile(env);
  const username = nonEmpty(env.MLFLOW_TRACKING_USERNAME) ?? userinfo?.username ?? file.username;
  const password = nonEmpty(env.MLFLOW_TRACKING_PASSWORD) ?? userinfo?.password ?? file.password;
  const token = nonEmpty(env.MLFLOW_TRACKING_TOKEN);
  // Every credential configured, used or not, is masked wherever distill writes: a token set beside Basic auth too.
  registerSecrets(password, token);
  if (username && password !== undefined && password !== '') return { type: 'basic', username, password };
  return token ? { type: 'bearer', token } : undefined;
}

/** `~/.mlflow/credentials`, section `[mlflow]`, keys `mlflow_tracking_username` / `mlflow_tracking_password`. */
function readCredentialsFile(env: Env): { username?: string; password?: string } {
  const file = join(env.HOME ?? homedir(), '.mlflow', 'credentials');
  if (!existsSync(file)) return {};
  let section = '';
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) section = header[1].trim();
    const entry = /^\s*([\w.]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (entry && section === 'mlflow') values[entry[1]] = entry[2];
  }
  return { username: nonEmpty(values.mlflow_tracking_username), password: nonEmpty(values.mlflow_tracking_password) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function envNumber(env: Env, name: string, fallback: number, rule: { integer?: boolean; below?: number; above?: number }): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok = Number.isFinite(value) && value >= 0 && (!rule.integer || Number.isInteger(value))
    && (rule.below === undefined || value < rule.below) && (rule.above === undefined || value > rule.above);
  if (!ok) {
    const limits = [rule.integer ? 'an integer' : 'a number', rule.above !== undefined ? `above ${rule.above}` : '>= 0', rule.below !== undefined ? `below ${rule.below}` : '']
      .filter(Boolean).join(' ');
    throw new UserError(`${name}=${raw} is invalid: it must be ${limits}`);
  }
  return value;
}

function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new UserError(`${name}=${raw} is invalid: use true, false, 1 or 0`);
}
