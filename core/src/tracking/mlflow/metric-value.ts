// Metric values on MLflow's wire: JSON has no NaN or Infinity, so protobuf's JSON mapping sends them as the strings
// "NaN", "Infinity" and "-Infinity" (bare tokens, lowercase "nan" and JSON null are all rejected by the server).

export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeMetricValue(value: number): WireDouble {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function decodeMetricValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new TypeError(`not an MLflow metric value: ${JSON.stringify(value)}`);
}
