// The MLflow tracking client and the journal delivery shared by the `mlflow` tracker plugin and `distill sync`.
export * from './mlflow-rest-error.js';
export * from './mlflow-config.js';
export * from './mlflow-types.js';
export * from './metric-value.js';
export * from './mlflow-limits.js';
export * from './sanitize-key.js';
export * from './retry-policy.js';
export * from '../../secrets/redact.js';
export * from './chunk-log-batch.js';
export * from './artifact-uri.js';
export * from './mlflow-transport.js';
export * from './mlflow-client.js';
export * from './mlflow-sync-state.js';
export * from './run-start-tags.js';
export * from './mlflow-run-delivery.js';
export * from './sync-run.js';
