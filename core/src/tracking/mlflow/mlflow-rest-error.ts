// The one error the MLflow client throws: what the server (or the network) said, for which endpoint.

export const RESOURCE_ALREADY_EXISTS = 'RESOURCE_ALREADY_EXISTS';
export const RESOURCE_DOES_NOT_EXIST = 'RESOURCE_DOES_NOT_EXIST';
export const INVALID_PARAMETER_VALUE = 'INVALID_PARAMETER_VALUE';
/** No HTTP answer at all (refused, reset, DNS): status 0. */
export const CONNECTION_ERROR = 'CONNECTION_ERROR';
/** No answer within MLFLOW_HTTP_REQUEST_TIMEOUT: status 0. */
export const REQUEST_TIMEOUT = 'REQUEST_TIMEOUT';

/** HTTP statuses MLflow's Python client retries (`_TRANSIENT_FAILURE_RESPONSE_CODES`). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

// The Python client's HTTP_STATUS_TO_ERROR_CODE, for error bodies that are not MLflow JSON.
const STATUS_TO_ERROR_CODE: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function errorCodeForStatus(status: number): string {
  return STATUS_TO_ERROR_CODE[status] ?? 'INTERNAL_ERROR';
}

export class MlflowRestError extends Error {
  constructor(
    /** HTTP status; 0 when the server gave no answer. */
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** The path called, e.g. `/api/2.0/mlflow/runs/log-batch` (never a full URL: no host, no credentials). */
    readonly endpoint: string,
    /** The response body as text, when there was one. */
    readonly body?: string,
  ) {
    super(`MLflow ${endpoint} failed${status ? ` (HTTP ${status} ${errorCode})` : ` (${errorCode})`}: ${message}`);
    this.name = 'MlflowRestError';
  }

  /** Worth trying again later: the server was unreachable, slow, overloaded or failing. */
  get transient(): boolean {
    return this.status === 0 || RETRYABLE_STATUSES.has(this.status);
  }
}

export function isMlflowRestError(error: unknown, errorCode?: string): error is MlflowRestError {
  return error instanceof MlflowRestError && (errorCode === undefined || error.errorCode === errorCode);
}
