// MLflow's server-side limits (mlflow/utils/validation.py, 3.x) and how distill keeps values within them.

export const MLFLOW_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** MAX_BATCH_LOG_REQUEST_SIZE is 1 MB; the margin leaves room for `run_id` and JSON punctuation. */
  batchBytes: 900_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
} as const;

const ELLIPSIS = '...';

/**
 * Cuts a value to at most `maxLength` characters (Python counts code points, so this does too), ending a cut value
 * with "..." so that readers see it was cut. Deterministic, so a replay logs the very same param value again.
 */
export function truncateValue(value: string, maxLength: number): string {
  if (value.length <= maxLength) return value;
  const codePoints = Array.from(value);
  if (codePoints.length <= maxLength) return value;
  return codePoints.slice(0, maxLength - ELLIPSIS.length).join('') + ELLIPSIS;
}
